using GameChannels.Core;
using Platform.Redis;

namespace GameChannels.SignalR;

/// <summary>
/// Start: forget connection counts a previous process left behind. Stop: tell every client to reconnect after
/// a random delay (so they do not all return at once), and wait for the connections to close, so that each
/// leaves its player.disconnected in the log before Redis is out of reach.
/// </summary>
internal sealed partial class ChannelLifecycle(GameRooms rooms, GamePresence presence, TimeProvider time, ILogger<ChannelLifecycle> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await presence.ClearAllAsync();
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogPresenceNotCleared(e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var room in rooms.Snapshot())
        {
            await room.SendReconnectAsync();
        }
        var deadline = time.GetTimestamp();
        while (rooms.Count > 0 && time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5) && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [LoggerMessage(2301, LogLevel.Warning, "Could not clear stale presence at start: {Reason}")]
    private partial void LogPresenceNotCleared(string reason);
}

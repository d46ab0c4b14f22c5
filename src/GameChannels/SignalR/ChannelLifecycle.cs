using GameChannels.Core;
using Platform.Redis;

namespace GameChannels.SignalR;

/// <summary>
/// Start: forget connection counts a previous process left behind. Stopping: tell every client to reconnect
/// after a random delay (so they do not all return at once), then wait for the connections to close, so that
/// each leaves its player.disconnected in the log before Redis is out of reach.
/// </summary>
internal sealed class ChannelLifecycle(
    GameRooms rooms, GamePresence presence, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<ChannelLifecycle> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // SignalR closes every connection as the application starts stopping, with a callback registered
        // when the hub was mapped. Callbacks run newest first, so this one, registered later, runs before it
        // and gets the reconnect requests out while the connections are still open.
        lifetime.ApplicationStopping.Register(() =>
        {
            var open = rooms.Stop();
            var written = Task.WhenAll(open.Select(room => room.SendReconnectAsync()));
            if (!written.Wait(TimeSpan.FromSeconds(3)))
            {
                logger.ReconnectsLate();
            }
            else if (open.Count > 0)
            {
                // Written means handed to the transport; SignalR then closes without draining, so give the
                // transports a moment to put the frames on the wire.
                Thread.Sleep(250);
            }
        });

        try
        {
            await presence.ClearAllAsync();
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.PresenceNotCleared(e.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var deadline = time.GetTimestamp();
        while (rooms.Count > 0 && time.GetElapsedTime(deadline) < TimeSpan.FromSeconds(5) && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(50, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

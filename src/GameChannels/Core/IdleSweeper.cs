using Microsoft.Extensions.Options;
using Platform.Archive.Games;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>Ends the games that have had no message and no connection for Channels:IdleMinutes.</summary>
public sealed class IdleSweeper(
    GameLog log, GameRooms rooms, IGameStore store, IOptions<ChannelOptions> options, TimeProvider time,
    ILogger<IdleSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IdleSweepSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.SweepFailed(e.Message);
            }
        }
    }

    /// <summary>One pass; returns how many games it ended.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().AddMinutes(-options.Value.IdleMinutes).ToUnixTimeMilliseconds();
        var ended = 0;
        foreach (var gameId in await log.IdleGamesAsync(before, limit: 500))
        {
            var game = await store.FindAsync(gameId, cancellationToken);
            if (game is null || game.Status == GameStatus.Ended || Titles.Find(game.Title) is not { } title)
            {
                await log.ForgetLiveAsync(gameId);
                continue;
            }
            var room = await rooms.GetAsync(gameId, title);
            if (await room.EndIfIdleAsync())
            {
                ended++;
                logger.EndedIdle(gameId);
            }
        }
        return ended;
    }
}

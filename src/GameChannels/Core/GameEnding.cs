using Platform.Archive.Games;
using Platform.Games;
using Platform.Jobs.Contracts;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>
/// What follows a game's end, once game.ended is in its log: the status everyone reads, the archive's record,
/// and a job for the workers that follow (statistics, moving the log to the archive).
/// </summary>
public sealed class GameEnding(GameLog log, IGameStore store, GameEndedJobs jobs, TimeProvider time, ILogger<GameEnding> logger)
{
    public async Task EndedAsync(string gameId, string reason, long lastSeq)
    {
        var endedAt = time.GetUtcNow();
        await log.SetStatusAsync(gameId, GameStatus.Ended);
        try
        {
            await store.EndAsync(gameId, endedAt, CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException e)
        {
            // The end is in the log and in Redis, which Web also reads; the job's consumers record it again.
            logger.ArchiveNotUpdated(gameId, e.Message);
        }
        // Queued in memory, enqueued in Hangfire off this path (the caller may hold the game's lock).
        jobs.Post(new GameEnded(gameId, reason, lastSeq, endedAt));
        await log.ForgetLiveAsync(gameId);
    }
}

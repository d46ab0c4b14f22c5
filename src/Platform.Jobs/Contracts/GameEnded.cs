using Hangfire;

namespace Platform.Jobs.Contracts;

/// <summary>A game whose game.ended is in its log: the channel server posts it for the workers that follow.</summary>
/// <param name="LastSeq">The number of the game.ended message, the last of the log.</param>
public sealed record GameEnded(string GameId, string Reason, long LastSeq, DateTimeOffset EndedAt);

/// <summary>MessageMigrator's job for an ended game: move its log to the archive.</summary>
/// <remarks>Delivered at least once: an implementation is idempotent.</remarks>
public interface IArchiveGameJob
{
    [Queue(JobQueues.Migrate)]
    Task GameEndedAsync(GameEnded game, CancellationToken cancellationToken);
}

/// <summary>Stats' job for an ended game: compute its statistics.</summary>
/// <remarks>Delivered at least once: an implementation is idempotent.</remarks>
public interface IGameStatsJob
{
    [Queue(JobQueues.Stats)]
    Task GameEndedAsync(GameEnded game, CancellationToken cancellationToken);
}

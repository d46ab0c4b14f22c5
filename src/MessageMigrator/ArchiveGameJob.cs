using Platform.Jobs.Contracts;

namespace MessageMigrator;

/// <summary>
/// The migrate queue's job for an ended game. For now it records that the end reached the migrator; moving
/// the log to the archive and trimming Redis arrive with issue 15 (the archive), which fills this in. Idempotent:
/// a second delivery logs a second line and changes nothing.
/// </summary>
public sealed partial class ArchiveGameJob(ILogger<ArchiveGameJob> logger) : IArchiveGameJob
{
    public Task GameEndedAsync(GameEnded game, CancellationToken cancellationToken)
    {
        LogGameEnded(game.GameId, game.Reason, game.LastSeq, game.EndedAt);
        return Task.CompletedTask;
    }

    [LoggerMessage(3101, LogLevel.Information, "Game {GameId} ended ({Reason}) at number {LastSeq}, {EndedAt:o}: its log is to be archived")]
    private partial void LogGameEnded(string gameId, string reason, long lastSeq, DateTimeOffset endedAt);
}

using Platform.Jobs.Contracts;

namespace Stats;

/// <summary>
/// The stats queue's job for an ended game. For now it records that the end reached Stats; computing the
/// game's statistics arrives with issue 17 (statistics), which fills this in. Idempotent: a second delivery logs a
/// second line and changes nothing.
/// </summary>
public sealed partial class GameStatsJob(ILogger<GameStatsJob> logger) : IGameStatsJob
{
    public Task GameEndedAsync(GameEnded game, CancellationToken cancellationToken)
    {
        LogGameEnded(game.GameId, game.Reason, game.LastSeq, game.EndedAt);
        return Task.CompletedTask;
    }

    [LoggerMessage(5101, LogLevel.Information, "Game {GameId} ended ({Reason}) at number {LastSeq}, {EndedAt:o}: its statistics are to be computed")]
    private partial void LogGameEnded(string gameId, string reason, long lastSeq, DateTimeOffset endedAt);
}

namespace GameChannels;

/// <summary>
/// The channel server's log messages, in one place with their ids and levels: 21xx the idle sweep, 22xx the
/// transports' refusals, 23xx the rooms and the server's lifecycle, 24xx the end of a game, 25xx the rules.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(2311, LogLevel.Warning,
        "The log of game {GameId} came back shorter than the {Relayed} messages relayed (noticed by {NoticedBy}); it goes on in a new epoch and its connections resume")]
    public static partial void LogReset(this ILogger logger, string gameId, long relayed, string noticedBy);

    // Information: it may be a client's mistake, and a client's mistake is never logged above Information.
    [LoggerMessage(2314, LogLevel.Information,
        "A resume of game {GameId} asked for messages after {AfterSeq}, beyond the log's end at {LatestSeq}; the log goes on in a new epoch")]
    public static partial void EpochRenewedByResume(this ILogger logger, string gameId, long afterSeq, long latestSeq);

    [LoggerMessage(2312, LogLevel.Warning, "An append to game {GameId} failed; its live connections resume from their last number")]
    public static partial void RelayFailed(this ILogger logger, string gameId, Exception? error);

    [LoggerMessage(2315, LogLevel.Information, "Seat {Seat} of game {GameId} was left for good and is free for a new player")]
    public static partial void SeatLeft(this ILogger logger, string gameId, int seat);

    [LoggerMessage(2316, LogLevel.Warning, "Seat {Seat} of game {GameId} could not be let go; it stays taken until its player comes back")]
    public static partial void SeatLeaveFailed(this ILogger logger, string gameId, int seat, Exception error);

    [LoggerMessage(2313, LogLevel.Information, "A connection to game {GameId} (seat {Seat}) could not keep up and was dropped")]
    public static partial void DroppedSlow(this ILogger logger, string gameId, int seat);

    [LoggerMessage(2101, LogLevel.Information, "Ended idle game {GameId}")]
    public static partial void EndedIdle(this ILogger logger, string gameId);

    [LoggerMessage(2102, LogLevel.Warning, "Idle sweep failed: {Reason}")]
    public static partial void SweepFailed(this ILogger logger, string reason);

    [LoggerMessage(2201, LogLevel.Warning, "{Request} failed: Redis unavailable: {Reason}")]
    public static partial void StoreUnavailable(this ILogger logger, string request, string reason);

    // A client's mistake is its own business: Debug, so that a client cannot fill the log.
    [LoggerMessage(2202, LogLevel.Debug, "{Request} refused: {Refusal}")]
    public static partial void Refused(this ILogger logger, string request, string refusal);

    [LoggerMessage(2203, LogLevel.Error, "{Request} failed on the server")]
    public static partial void Failed(this ILogger logger, string request, Exception error);

    [LoggerMessage(2301, LogLevel.Warning, "Could not clear stale presence at start: {Reason}")]
    public static partial void PresenceNotCleared(this ILogger logger, string reason);

    [LoggerMessage(2302, LogLevel.Warning, "Not every client was told to reconnect within 3 s; they reconnect on their own")]
    public static partial void ReconnectsLate(this ILogger logger);

    [LoggerMessage(2401, LogLevel.Warning, "Game {GameId} ended, but the archive could not record it: {Reason}")]
    public static partial void ArchiveNotUpdated(this ILogger logger, string gameId, string reason);

    [LoggerMessage(2402, LogLevel.Warning, "Could not enqueue the jobs of ended game {GameId}, trying again in {Seconds} s: {Reason}")]
    public static partial void EnqueueFailed(this ILogger logger, string gameId, double seconds, string reason);

    [LoggerMessage(2403, LogLevel.Warning, "Game {GameId} ended with {Capacity} ends already waiting to be enqueued; the migrator's sweep will find it")]
    public static partial void QueueFull(this ILogger logger, string gameId, int capacity);

    [LoggerMessage(2501, LogLevel.Warning, "The rules of {Title} failed judging a {Type} in game {GameId}; it was rejected")]
    public static partial void JudgeFailed(this ILogger logger, string gameId, string title, string type, Exception error);

    [LoggerMessage(2502, LogLevel.Warning, "The rules of {Title} failed observing a logged {Type} in game {GameId}; they did not see it")]
    public static partial void ObserveFailed(this ILogger logger, string gameId, string title, string type, Exception error);
}

namespace GameChannels;

/// <summary>
/// The channel server's log messages that are not a class's own: one place for their ids and levels
/// (22xx the transports' refusals, 23xx the rooms, 24xx the end of a game).
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
}

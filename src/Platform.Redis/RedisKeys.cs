using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>
/// Every Redis key the platform uses, built here and nowhere else, so the layout reads in one place. A game's
/// keys share a {hash tag} so that they would land in one slot of a cluster.
/// </summary>
public static class RedisKeys
{
    /// <summary>Hash: seq (last number given), epoch (changes only if the log was lost), status (ended once it is).</summary>
    public static RedisKey GameMeta(string gameId) => $"game:{{{gameId}}}:meta";

    /// <summary>Stream: one entry per message, id "{seq}-0", fields e (envelope tail), f (from), t (to seat).</summary>
    public static RedisKey GameLog(string gameId) => $"game:{{{gameId}}}:log";

    /// <summary>Hash: "{seat}:{clientMsgId}" to the number it was given, so a resend is not appended twice.</summary>
    public static RedisKey GameClientIds(string gameId) => $"game:{{{gameId}}}:ids";

    /// <summary>Hash: seat to its number of open connections on this host's channel server.</summary>
    public static RedisKey GameOnline(string gameId) => $"game:{{{gameId}}}:online";

    /// <summary>Hash: seat to display name, for every seat that has connected at least once.</summary>
    public static RedisKey GameSeats(string gameId) => $"game:{{{gameId}}}:seats";

    /// <summary>The pattern matching every game's online hash (cleared when the channel server starts).</summary>
    public const string AllGameOnlinePattern = "game:{*}:online";

    /// <summary>Sorted set: live game id scored by its last activity (ms since epoch), for the idle sweep.</summary>
    public static readonly RedisKey LiveGames = "games:live";

    /// <summary>
    /// String: the number of the last batch script call of one process's batcher that Redis applied, so that a
    /// call overtaken by a later one is refused (OrderedBatches). Expires a day after the last call.
    /// </summary>
    public static RedisKey ScriptCallOrder(string batcherId) => $"batches:{batcherId}:last-call";

    /// <summary>
    /// The prefix of every key Hangfire keeps for the workers' jobs (queues, jobs, states, servers, retries,
    /// recurring jobs). One hash tag, as Hangfire's Redis storage needs: its transactions span its keys.
    /// </summary>
    public const string JobsPrefix = "{jobs}:";
}

using System.Globalization;
using Platform.Games;
using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>One message as the log holds it.</summary>
public sealed record LoggedMessage(long Seq, string Tail, string From, int? To)
{
    public RawJson Envelope => Envelopes.Complete(Seq, Tail);

    /// <summary>Whether the player in <paramref name="seat"/> may see it: direct messages go to their seat and sender only.</summary>
    public bool VisibleTo(int seat) => To is null || To == seat || From == seat.ToString(CultureInfo.InvariantCulture);
}

public sealed record AppendResult(long Seq, bool Duplicate);

public sealed record GameLogState(long LatestSeq, string Epoch, string? Status);

/// <summary>
/// A game's sequenced log in the host's Redis. Numbers are given by one Lua script that checks the client's
/// message id, takes the next number and appends, all at once: dense from 1, never reused while the log
/// exists. If the log is ever lost, the next append starts a new epoch, which clients see.
/// </summary>
public sealed class GameLog(IConnectionMultiplexer redis)
{
    // KEYS: meta, log, client ids, live games. ARGV: client id key ("" for none), tail, from, to ("" for
    // none), new epoch, now ms, game id. Returns {seq, duplicate (0/1)}.
    private const string AppendScript = """
        if ARGV[1] ~= '' then
          local seen = redis.call('HGET', KEYS[3], ARGV[1])
          if seen then return {tonumber(seen), 1} end
        end
        redis.call('HSETNX', KEYS[1], 'epoch', ARGV[5])
        local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
        if ARGV[4] == '' then
          redis.call('XADD', KEYS[2], seq .. '-0', 'e', ARGV[2], 'f', ARGV[3])
        else
          redis.call('XADD', KEYS[2], seq .. '-0', 'e', ARGV[2], 'f', ARGV[3], 't', ARGV[4])
        end
        if ARGV[1] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], seq) end
        redis.call('ZADD', KEYS[4], ARGV[6], ARGV[7])
        return {seq, 0}
        """;

    private IDatabase Db => redis.GetDatabase();

    public async Task<AppendResult> AppendAsync(string gameId, string? clientIdKey, string tail, string from, int? to, long nowMs)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(AppendScript,
            [RedisKeys.GameMeta(gameId), RedisKeys.GameLog(gameId), RedisKeys.GameClientIds(gameId), RedisKeys.LiveGames],
            [clientIdKey ?? "", tail, from, to?.ToString(CultureInfo.InvariantCulture) ?? "", NewEpoch(), nowMs, gameId]))!;
        return new AppendResult((long)result[0], (long)result[1] == 1);
    }

    /// <summary>The latest number, the epoch and the status; an empty log reads as 0 in a fresh epoch.</summary>
    public async Task<GameLogState> StateAsync(string gameId)
    {
        var meta = RedisKeys.GameMeta(gameId);
        // HSETNX first, so that a reader and the first append agree on the epoch of a new log.
        await Db.HashSetAsync(meta, "epoch", NewEpoch(), When.NotExists);
        var values = await Db.HashGetAsync(meta, ["seq", "epoch", "status"]);
        return new GameLogState(values[0].IsNull ? 0 : (long)values[0], values[1]!, values[2]);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages after <paramref name="afterSeq"/> that <paramref name="seat"/>
    /// may see, in order: one range read. <c>More</c> says there are later ones.
    /// </summary>
    public async Task<(IReadOnlyList<LoggedMessage> Messages, bool More)> ReadAsync(string gameId, long afterSeq, int limit, int? seat)
    {
        var messages = new List<LoggedMessage>(Math.Min(limit, 256));
        var after = afterSeq;
        // Direct messages to others are skipped, so a page may need more than one read to fill.
        while (true)
        {
            var entries = (RedisResult[])(await Db.ExecuteAsync("XRANGE", RedisKeys.GameLog(gameId),
                $"({after}-0", "+", "COUNT", limit - messages.Count + 1))!;
            var take = Math.Min(entries.Length, limit - messages.Count);
            for (var i = 0; i < take; i++)
            {
                var message = Parse(entries[i]);
                after = message.Seq;
                if (seat is null || message.VisibleTo(seat.Value))
                {
                    messages.Add(message);
                }
            }
            var more = entries.Length > take;
            if (!more || messages.Count == limit)
            {
                return (messages, more);
            }
        }
    }

    public Task SetStatusAsync(string gameId, string status) => Db.HashSetAsync(RedisKeys.GameMeta(gameId), "status", status);

    /// <summary>The number a client message id was given, if it was appended already.</summary>
    public async Task<long?> FindClientIdAsync(string gameId, string clientIdKey)
    {
        var seq = await Db.HashGetAsync(RedisKeys.GameClientIds(gameId), clientIdKey);
        return seq.IsNull ? null : (long)seq;
    }

    /// <summary>Marks a game as live now, so that the idle sweep ends it if nobody ever comes.</summary>
    public Task TouchAsync(string gameId, long nowMs) => Db.SortedSetAddAsync(RedisKeys.LiveGames, gameId, nowMs);

    /// <summary>Games whose last activity is before <paramref name="beforeMs"/>.</summary>
    public async Task<IReadOnlyList<string>> IdleGamesAsync(long beforeMs, int limit) =>
        (await Db.SortedSetRangeByScoreAsync(RedisKeys.LiveGames, double.NegativeInfinity, beforeMs, Exclude.Stop, take: limit))
            .Select(v => (string)v!).ToList();

    public Task ForgetLiveAsync(string gameId) => Db.SortedSetRemoveAsync(RedisKeys.LiveGames, gameId);


    private static LoggedMessage Parse(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var id = (string)parts[0]!;
        var fields = (RedisValue[])parts[1]!;
        string tail = "", from = "";
        int? to = null;
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            switch ((string)fields[i]!)
            {
                case "e": tail = fields[i + 1]!; break;
                case "f": from = fields[i + 1]!; break;
                case "t": to = (int)fields[i + 1]; break;
            }
        }
        return new LoggedMessage(long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture), tail, from, to);
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N")[..12];
}

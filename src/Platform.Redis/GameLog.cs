using System.Globalization;
using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>
/// A game's sequenced log in the host's Redis. Numbers are given by one Lua script that checks the client's
/// message id, takes the next number and appends, all at once: dense from 1, never reused while the log
/// exists. If the log is ever lost, the next append starts a new epoch, which clients see.
/// </summary>
/// <remarks>
/// Appends from every game on the server travel together (<see cref="OrderedBatches{T}"/>): whatever is waiting
/// goes to Redis as one script call, in the order the appends were asked for, with up to
/// <see cref="MaxInFlight"/> calls on their way at once.
/// <para>
/// <see cref="AppendAsync"/> and <see cref="PageAsync"/> are virtual for one reason: a test stands between a
/// game and Redis to hold an append back while a page is read, an order a real server shows only by chance.
/// </para>
/// </remarks>
public class GameLog
{
    /// <summary>The most appends in one script call: Redis runs nothing else while a script runs.</summary>
    public const int MaxBatch = 256;

    /// <summary>
    /// Lua: the log in <c>meta</c> is shorter than <c>known</c> (a number its caller saw logged) in the epoch the
    /// caller knows: Redis came back without its last writes (an older copy, appendfsync everysec after a crash).
    /// Its numbers would be given again, and clients would drop them as seen, so the log goes on in a new epoch,
    /// which tells them to read it again. Only the first to notice starts it: the others know the old epoch.
    /// Returns whether the log is now in epoch <c>new</c>.
    /// </summary>
    private const string ShorterLogLua = """
        local function shorter(meta, latest, known, epoch, new)
          if latest < known and redis.call('HGET', meta, 'epoch') == epoch then
            redis.call('HSET', meta, 'epoch', new)
          end
          return latest < known and redis.call('HGET', meta, 'epoch') == new
        end

        """;

    // KEYS: live games, then per append: meta, log, client ids, then the call order key. ARGV: new epoch, then per
    // append: client id key ("" for none), tail, from, to ("" for none), game id, time to mark it live at ("" for
    // none), the last number the caller saw logged and its epoch; then the call's number. Returns per append: seq,
    // then 0, 1 for a duplicate, or 2 if a new epoch began with it. Each redis.call costs about as much as a round
    // trip's worth of Redis CPU, so the common path makes three: the number, the client id (set only if new), the
    // entry; a duplicate undoes its number.
    private const string AppendScript = ScriptCall.GuardLua + ShorterLogLua + """
        local out = {}
        for i = 0, (#ARGV - 2) / 8 - 1 do
          local meta, log, ids = KEYS[2 + 3 * i], KEYS[3 + 3 * i], KEYS[4 + 3 * i]
          local a = 2 + 8 * i
          local cid = ARGV[a]
          local seq = redis.call('HINCRBY', meta, 'seq', 1)
          if cid ~= '' and redis.call('HSETNX', ids, cid, seq) == 0 then
            redis.call('HINCRBY', meta, 'seq', -1)
            out[#out + 1] = tonumber(redis.call('HGET', ids, cid))
            out[#out + 1] = 1
          else
            if seq == 1 then redis.call('HSETNX', meta, 'epoch', ARGV[1]) end
            local flag = 0
            if seq <= tonumber(ARGV[a + 6]) and shorter(meta, seq - 1, tonumber(ARGV[a + 6]), ARGV[a + 7], ARGV[1]) then flag = 2 end
            if ARGV[a + 3] == '' then
              redis.call('XADD', log, seq .. '-0', 'e', ARGV[a + 1], 'f', ARGV[a + 2])
            else
              redis.call('XADD', log, seq .. '-0', 'e', ARGV[a + 1], 'f', ARGV[a + 2], 't', ARGV[a + 3])
            end
            if ARGV[a + 5] ~= '' then redis.call('ZADD', KEYS[1], ARGV[a + 5], ARGV[a + 4]) end
            out[#out + 1] = seq
            out[#out + 1] = flag
          end
        end
        return out
        """;

    /// <summary>
    /// Script calls on their way to Redis at once. With one, a server that fell behind (at start, before the
    /// JIT had optimised it) queued tens of thousands of appends behind calls whose replies waited their turn
    /// on the thread pool, and took seconds to catch up (docs/benchmark.md).
    /// </summary>
    public const int MaxInFlight = 4;

    private readonly IConnectionMultiplexer _redis;
    private readonly OrderedBatches<PendingAppend> _appends;

    public GameLog(IConnectionMultiplexer redis)
    {
        _redis = redis;
        _appends = new OrderedBatches<PendingAppend>(SendAsync, MaxBatch, MaxInFlight);
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>
    /// Appends one message. Appends complete in the order they were asked for; the caller keeps one game's
    /// appends from overlapping (the game's lock) when it needs each number before the next append. With
    /// <paramref name="markLive"/>, the game's last activity becomes <paramref name="nowMs"/> for the idle sweep
    /// (<see cref="IdleGamesAsync"/>); a caller marks it now and then, not on every message.
    /// </summary>
    /// <para>
    /// <paramref name="known"/> is the last number the caller saw logged, and its epoch: a log found shorter goes
    /// on in a new epoch (<see cref="AppendResult.NewEpoch"/>).
    /// </para>
    public virtual Task<AppendResult> AppendAsync(string gameId, string? clientIdKey, string tail, string from, int? to, long nowMs, bool markLive = true,
        LogKnown known = default)
    {
        var append = new PendingAppend(gameId, clientIdKey, tail, from, to, nowMs, markLive, known);
        _appends.Add(append);
        return append.Result.Task;
    }

    /// <summary>
    /// One script call for the batch, handed to the connection before the first await. Whatever goes wrong
    /// fails every append of the batch and nothing else.
    /// </summary>
    private async Task SendAsync(List<PendingAppend> batch, ScriptCall call)
    {
        try
        {
            var keys = new RedisKey[2 + 3 * batch.Count];
            var values = new RedisValue[2 + 8 * batch.Count];
            (keys[^1], values[^1]) = (call.OrderKey, call.Number);
            keys[0] = RedisKeys.LiveGames;
            var newEpoch = NewEpoch();
            values[0] = newEpoch;
            for (var i = 0; i < batch.Count; i++)
            {
                var append = batch[i];
                keys[1 + 3 * i] = RedisKeys.GameMeta(append.GameId);
                keys[2 + 3 * i] = RedisKeys.GameLog(append.GameId);
                keys[3 + 3 * i] = RedisKeys.GameClientIds(append.GameId);
                values[1 + 8 * i] = append.ClientIdKey ?? "";
                values[2 + 8 * i] = append.Tail;
                values[3 + 8 * i] = append.From;
                values[4 + 8 * i] = append.To?.ToString(CultureInfo.InvariantCulture) ?? "";
                values[5 + 8 * i] = append.GameId;
                values[6 + 8 * i] = append.MarkLive ? append.NowMs : "";
                values[7 + 8 * i] = append.Known.Seq;
                values[8 + 8 * i] = append.Known.Epoch ?? "";
            }
            var results = (RedisResult[])(await Db.ScriptEvaluateAsync(AppendScript, keys, values))!;
            for (var i = 0; i < batch.Count; i++)
            {
                var flag = (long)results[2 * i + 1];
                batch[i].Result.TrySetResult(new AppendResult((long)results[2 * i], flag == 1, flag == 2 ? newEpoch : null));
            }
        }
        catch (Exception e)
        {
            foreach (var append in batch)
            {
                append.Result.TrySetException(e);
            }
        }
    }

    private sealed record PendingAppend(string GameId, string? ClientIdKey, string Tail, string From, int? To, long NowMs, bool MarkLive, LogKnown Known)
    {
        // Each caller continues on the thread pool, not on the loop that completes the batch: the loop must be free
        // to send the next batch, and the games' relays then run side by side.
        public TaskCompletionSource<AppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    // KEYS: meta, log. ARGV: after seq, count, new epoch, the last number the caller saw logged and its epoch. The
    // state (as StateAsync, in a new epoch if the log is shorter than the caller knew it) and the first range, at once.
    private const string PageScript = ShorterLogLua + """
        redis.call('HSETNX', KEYS[1], 'epoch', ARGV[3])
        local known = tonumber(ARGV[4])
        if known > 0 then shorter(KEYS[1], tonumber(redis.call('HGET', KEYS[1], 'seq') or '0'), known, ARGV[5], ARGV[3]) end
        return {redis.call('HMGET', KEYS[1], 'seq', 'epoch', 'status'),
                redis.call('XRANGE', KEYS[2], '(' .. ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])}
        """;

    /// <summary>
    /// The log's state and a page of what <paramref name="seat"/> may see after <paramref name="afterSeq"/>, as
    /// one range read with the state (a second read only if direct messages to others thinned the page).
    /// </summary>
    /// <paramref name="known"/> as for <see cref="AppendAsync"/>: a log found shorter is read in a new epoch.
    public virtual async Task<(GameLogState State, IReadOnlyList<LoggedMessage> Messages, bool More)> PageAsync(string gameId, long afterSeq, int limit, int? seat,
        LogKnown known = default)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(PageScript,
            [RedisKeys.GameMeta(gameId), RedisKeys.GameLog(gameId)], [afterSeq, limit + 1, NewEpoch(), known.Seq, known.Epoch ?? ""]))!;
        var meta = (RedisValue[])result[0]!;
        var state = new GameLogState(meta[0].IsNull ? 0 : (long)meta[0], meta[1]!, meta[2]);
        var first = Array.ConvertAll((RedisResult[])result[1]!, Parse);
        var (messages, more) = await FillAsync(gameId, afterSeq, limit, seat, first);
        return (state, messages, more);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> messages after <paramref name="afterSeq"/> that <paramref name="seat"/>
    /// may see, in order: one range read. <c>More</c> says there are later ones.
    /// </summary>
    public Task<(IReadOnlyList<LoggedMessage> Messages, bool More)> ReadAsync(string gameId, long afterSeq, int limit, int? seat) =>
        FillAsync(gameId, afterSeq, limit, seat, first: null);

    private async Task<(IReadOnlyList<LoggedMessage> Messages, bool More)> FillAsync(string gameId, long afterSeq, int limit, int? seat, LoggedMessage[]? first)
    {
        // Sized by what the first read brought: most pages are a few messages, and every connection reads one.
        var messages = new List<LoggedMessage>(Math.Min(limit, first?.Length ?? 16));
        var after = afterSeq;
        var entries = first;
        // Direct messages to others are skipped, so a page may need more than one read to fill.
        while (true)
        {
            entries ??= Array.ConvertAll(await Db.StreamRangeAsync(RedisKeys.GameLog(gameId), $"({after}-0", "+", limit - messages.Count + 1), Parse);
            var take = Math.Min(entries.Length, limit - messages.Count);
            for (var i = 0; i < take; i++)
            {
                var message = entries[i];
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
            entries = null;
        }
    }

    public Task SetStatusAsync(string gameId, string status) => Db.HashSetAsync(RedisKeys.GameMeta(gameId), "status", status);

    /// <summary>The number a client message id was given, if it was appended already.</summary>
    public async Task<long?> FindClientIdAsync(string gameId, string clientIdKey)
    {
        var seq = await Db.HashGetAsync(RedisKeys.GameClientIds(gameId), clientIdKey);
        return seq.IsNull ? null : (long)seq;
    }

    /// <summary>Games whose last activity is before <paramref name="beforeMs"/>.</summary>
    public async Task<IReadOnlyList<string>> IdleGamesAsync(long beforeMs, int limit) =>
        (await Db.SortedSetRangeByScoreAsync(RedisKeys.LiveGames, double.NegativeInfinity, beforeMs, Exclude.Stop, take: limit))
            .Select(v => (string)v!).ToList();

    public Task ForgetLiveAsync(string gameId) => Db.SortedSetRemoveAsync(RedisKeys.LiveGames, gameId);


    /// <summary>An entry as the page script's XRANGE returns it: the id, then field names and values in turn.</summary>
    private static LoggedMessage Parse(RedisResult entry)
    {
        var parts = (RedisResult[])entry!;
        var fields = (RedisValue[])parts[1]!;
        var message = new EntryFields();
        for (var i = 0; i + 1 < fields.Length; i += 2)
        {
            message.Set(fields[i], fields[i + 1]);
        }
        return message.ToMessage((string)parts[0]!);
    }

    private static LoggedMessage Parse(StreamEntry entry)
    {
        var message = new EntryFields();
        foreach (var field in entry.Values)
        {
            message.Set(field.Name, field.Value);
        }
        return message.ToMessage((string)entry.Id!);
    }

    /// <summary>The fields of one entry (e: envelope tail, f: from, t: to seat), gathered from either shape.</summary>
    private ref struct EntryFields
    {
        private string _tail, _from;
        private int? _to;

        public EntryFields() => (_tail, _from) = ("", "");

        public void Set(RedisValue name, RedisValue value)
        {
            switch ((string)name!)
            {
                case "e": _tail = value!; break;
                case "f": _from = value!; break;
                case "t": _to = (int)value; break;
            }
        }

        public readonly LoggedMessage ToMessage(string id) =>
            new(long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), CultureInfo.InvariantCulture), _tail, _from, _to);
    }

    private static string NewEpoch() => Guid.NewGuid().ToString("N")[..12];
}

using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>Who is connected to a game now, and who ever was, kept by the host's channel server.</summary>
/// <remarks>
/// Changes from every game travel together, in the order they were made (<see cref="OrderedBatches{T}"/>), so
/// that many players dropping at once do not hold up the reconnects behind them (docs/benchmark.md).
/// </remarks>
public sealed class GamePresence
{
    /// <summary>The most changes in one script call.</summary>
    public const int MaxBatch = 256;

    // KEYS per change: seats, online, then the call order key. ARGV per change: "c" (connected) or "d"
    // (disconnected), seat, name ("" for "d"), then the call's number. Returns per change: 1 the first time the
    // seat ever connects, else 0. The online count never goes below zero: a count cleared by a restart must not
    // hide the seat's next connection.
    private const string ChangeScript = ScriptCall.GuardLua + """
        local out = {}
        for i = 1, (#ARGV - 1) / 3 do
          local seats, online = KEYS[2 * i - 1], KEYS[2 * i]
          local seat = ARGV[3 * i - 1]
          if ARGV[3 * i - 2] == 'c' then
            out[i] = redis.call('HSETNX', seats, seat, ARGV[3 * i])
            redis.call('HINCRBY', online, seat, 1)
          else
            if redis.call('HINCRBY', online, seat, -1) <= 0 then redis.call('HDEL', online, seat) end
            out[i] = 0
          end
        end
        return out
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly OrderedBatches<Change> _changes;

    public GamePresence(IConnectionMultiplexer redis)
    {
        _redis = redis;
        _changes = new OrderedBatches<Change>(SendAsync, MaxBatch, GameLog.MaxInFlight);
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <summary>Counts one more connection of the seat and records its name; true the first time the seat ever connects.</summary>
    public Task<bool> ConnectedAsync(string gameId, int seat, string name) => Add(new Change(gameId, seat, name));

    /// <summary>Counts one connection of the seat less.</summary>
    public Task DisconnectedAsync(string gameId, int seat) => Add(new Change(gameId, seat, Name: null));

    private Task<bool> Add(Change change)
    {
        _changes.Add(change);
        return change.Result.Task;
    }

    /// <summary>One script call for the batch; whatever goes wrong fails every change of the batch and nothing else.</summary>
    private async Task SendAsync(List<Change> batch, ScriptCall call)
    {
        try
        {
            var keys = new RedisKey[1 + 2 * batch.Count];
            var values = new RedisValue[1 + 3 * batch.Count];
            (keys[^1], values[^1]) = (call.OrderKey, call.Number);
            for (var i = 0; i < batch.Count; i++)
            {
                var change = batch[i];
                keys[2 * i] = RedisKeys.GameSeats(change.GameId);
                keys[2 * i + 1] = RedisKeys.GameOnline(change.GameId);
                values[3 * i] = change.Name is null ? "d" : "c";
                values[3 * i + 1] = change.Seat;
                values[3 * i + 2] = change.Name ?? "";
            }
            var results = (RedisResult[])(await Db.ScriptEvaluateAsync(ChangeScript, keys, values))!;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult((long)results[i] == 1);
            }
        }
        catch (Exception e)
        {
            foreach (var change in batch)
            {
                change.Result.TrySetException(e);
            }
        }
    }

    /// <summary>A connection (with the player's name) or a disconnection (without) of one seat.</summary>
    private sealed record Change(string GameId, int Seat, string? Name)
    {
        // Each caller continues on the thread pool, not on the loop that completes the batch.
        public TaskCompletionSource<bool> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Forgets that the seat ever connected (its player left for good), so that the next connection to it, a
    /// new player's, is announced again. Called with no connection of the seat open.
    /// </summary>
    public Task ForgetSeatAsync(string gameId, int seat) => Db.HashDeleteAsync(RedisKeys.GameSeats(gameId), seat);

    /// <summary>Seats with at least one open connection.</summary>
    public async Task<IReadOnlySet<int>> OnlineSeatsAsync(string gameId) =>
        (await Db.HashGetAllAsync(RedisKeys.GameOnline(gameId)))
            .Where(e => (long)e.Value > 0).Select(e => (int)e.Name).ToHashSet();

    /// <summary>
    /// Forgets every connection count. The host's one channel server calls this as it starts: connections do
    /// not outlive the process, and a crash would otherwise leave players shown as connected. (So a host runs
    /// one GameChannels per Redis database, as the design has it.)
    /// </summary>
    public async Task ClearAllAsync()
    {
        var db = Db;
        foreach (var server in _redis.GetServers())
        {
            // KeysAsync pages with SCAN and awaits each page, so a start that finds Redis busy blocks no thread.
            var batch = new List<RedisKey>(1000);
            await foreach (var key in server.KeysAsync(db.Database, RedisKeys.AllGameOnlinePattern, pageSize: 1000))
            {
                batch.Add(key);
                if (batch.Count == 1000)
                {
                    await db.KeyDeleteAsync([.. batch]);
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                await db.KeyDeleteAsync([.. batch]);
            }
        }
    }
}

using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>Who is connected to a game now, and who ever was, kept by the host's channel server.</summary>
public sealed class GamePresence(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    // KEYS: seats, online. ARGV: seat, name. Returns 1 the first time the seat ever connects.
    private const string ConnectScript = """
        local first = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
        redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
        return first
        """;

    /// <summary>Counts one more connection of the seat and records its name; true the first time the seat ever connects.</summary>
    public async Task<bool> ConnectedAsync(string gameId, int seat, string name) =>
        (long)(await Db.ScriptEvaluateAsync(ConnectScript, [RedisKeys.GameSeats(gameId), RedisKeys.GameOnline(gameId)], [seat, name])) == 1;

    // Never below zero: a count cleared by a restart must not hide the seat's next connection.
    private const string DecrementScript = """
        if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
        """;

    public Task DisconnectedAsync(string gameId, int seat) =>
        Db.ScriptEvaluateAsync(DecrementScript, [RedisKeys.GameOnline(gameId)], [seat]);

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
        // SCAN by hand, asynchronously: the client's Keys() enumerates with blocking calls.
        var cursor = "0";
        do
        {
            var page = (RedisResult[])(await Db.ExecuteAsync("SCAN", cursor, "MATCH", RedisKeys.AllGameOnlinePattern, "COUNT", 1000))!;
            cursor = (string)page[0]!;
            var keys = ((RedisKey[])page[1]!);
            if (keys.Length > 0)
            {
                await Db.KeyDeleteAsync(keys);
            }
        }
        while (cursor != "0");
    }
}

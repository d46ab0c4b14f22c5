using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>Who is connected to a game now, and who ever was, kept by the host's channel server.</summary>
public sealed class GamePresence(IConnectionMultiplexer redis)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>Records the seat's name; true the first time the seat ever connects.</summary>
    public Task<bool> FirstConnectionAsync(string gameId, int seat, string name) =>
        Db.HashSetAsync(RedisKeys.GameSeats(gameId), seat, name, When.NotExists);

    public Task ConnectedAsync(string gameId, int seat) => Db.HashIncrementAsync(RedisKeys.GameOnline(gameId), seat);

    public Task DisconnectedAsync(string gameId, int seat) => Db.HashDecrementAsync(RedisKeys.GameOnline(gameId), seat);

    /// <summary>Seats with at least one open connection.</summary>
    public async Task<IReadOnlySet<int>> OnlineSeatsAsync(string gameId) =>
        (await Db.HashGetAllAsync(RedisKeys.GameOnline(gameId)))
            .Where(e => (long)e.Value > 0).Select(e => (int)e.Name).ToHashSet();

    /// <summary>
    /// Forgets every connection count. The host's one channel server calls this as it starts: connections do
    /// not outlive the process, and a crash would otherwise leave players shown as connected.
    /// </summary>
    public async Task ClearAllAsync()
    {
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            if (server.IsSlave || !server.IsConnected)
            {
                continue;
            }
            foreach (var key in server.Keys(pattern: RedisKeys.AllGameOnlinePattern, pageSize: 1000))
            {
                await Db.KeyDeleteAsync(key);
            }
        }
    }
}

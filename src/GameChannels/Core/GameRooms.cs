using System.Collections.Concurrent;
using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// The games that have a connection on this server. A room is created (and its state loaded from the log) on
/// the first connection and removed when the last one leaves; a join that meets a room just being removed
/// starts a fresh one, so a game never has two rooms at once.
/// </summary>
public sealed class GameRooms
{
    private readonly RoomServices _services;
    private readonly RoomHost _host;
    private readonly ConcurrentDictionary<string, Lazy<Task<GameRoom>>> _rooms = new();
    private volatile bool _stopping;

    public GameRooms(RoomServices services)
    {
        _services = services;
        _host = new RoomHost(() => _stopping, Remove);
        services.Metrics.ObserveGames(() => _rooms.Count);
    }

    public int Count => _rooms.Count;

    /// <summary>The server is going away: a connection that joins from now on is asked at once to come back later.</summary>
    public bool Stopping => _stopping;

    /// <summary>Marks the server as stopping, then returns the rooms open now (a room opened later sees the mark).</summary>
    public IReadOnlyList<GameRoom> Stop()
    {
        _stopping = true;
        return Snapshot();
    }

    public async Task<GameRoom> GetAsync(string gameId, Title title)
    {
        while (true)
        {
            var entry = _rooms.GetOrAdd(gameId, id => new Lazy<Task<GameRoom>>(() => LoadAsync(id, title)));
            try
            {
                return await entry.Value;
            }
            catch
            {
                _rooms.TryRemove(KeyValuePair.Create(gameId, entry));
                throw;
            }
        }
    }

    /// <summary>
    /// Adds a connection to its game's room; the room refuses a seat beyond the game's limit, or one connection
    /// too many. Every transport comes through here, so the limits are the core's, not the transport's.
    /// </summary>
    public async Task<GameRoom> JoinAsync(IMember member)
    {
        var title = Titles.Find(member.Player.Title)
            ?? throw ChannelException.Forbidden($"the token names an unknown title '{member.Player.Title}'");
        var started = _services.Time.GetTimestamp();
        while (true)
        {
            var room = await GetAsync(member.Player.GameId, title);
            if (await room.JoinAsync(member))
            {
                _services.Metrics.Joined(_services.Time.GetElapsedTime(started));
                return room;
            }
        }
    }

    public IReadOnlyList<GameRoom> Snapshot() =>
        _rooms.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result).ToList();

    /// <summary>Called by a room, under its lock, as its last connection leaves.</summary>
    private void Remove(GameRoom room)
    {
        if (_rooms.TryGetValue(room.GameId, out var entry) && entry.IsValueCreated
            && entry.Value.IsCompletedSuccessfully && entry.Value.Result == room)
        {
            _rooms.TryRemove(KeyValuePair.Create(room.GameId, entry));
        }
    }

    private async Task<GameRoom> LoadAsync(string gameId, Title title)
    {
        var room = new GameRoom(gameId, title, _services, _host);
        await room.LoadAsync();
        return room;
    }
}

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
    /// too many. Every transport comes through here, so the limits are the core's, not the transport's. With
    /// <paramref name="after"/> (a channel URL's ?after=), the connection is also sent the pages a resume from it
    /// would get, the last of which makes it live, before the transport reads its first request.
    /// </summary>
    public async Task<GameRoom> JoinAsync(IMember member, long? after = null)
    {
        var room = await JoinRoomAsync(member);
        if (after is { } from)
        {
            try
            {
                await SendPagesAsync(room, member, from);
            }
            catch
            {
                // Joined but never live: it leaves as a connection that failed to join would never have come.
                await room.LeaveAsync(member, "connection lost").ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
        }
        return room;
    }

    /// <summary>
    /// The resume loop of docs/protocol.md section 7, run by the server: page after page from the last number of
    /// the one before, until a page without More. ResumeAsync keeps its guarantees (no gap, no repeat with what is
    /// relayed meanwhile, a log found shorter goes on in a new epoch), as for pages a client asks for.
    /// </summary>
    private static async Task SendPagesAsync(GameRoom room, IMember member, long after)
    {
        while (true)
        {
            var page = await room.ResumeAsync(member, after);
            await member.SendPageAsync(page);
            if (!page.More)
            {
                return;
            }
            if (page.Messages.Count > 0)
            {
                after = Envelopes.SeqOf(page.Messages[^1]);
            }
        }
    }

    private async Task<GameRoom> JoinRoomAsync(IMember member)
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

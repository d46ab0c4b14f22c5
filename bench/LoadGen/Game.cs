using System.Net.Http.Json;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// A game made through the Web API, as a browser makes it (the host creates it, the others join), or, on the
/// bare relay, a made-up id with the seat in each player's URL.
/// </summary>
internal sealed class Game(string id, int players)
{
    private static int s_madeUp;

    public string Id => id;

    public int Players => players;

    public List<Player> Seats { get; } = [];

    /// <summary>Makes a game, connects every player and waits until all of them are live.</summary>
    public static async Task<Game> StartAsync(Options options, HttpClient web, Stats stats, CancellationToken cancellationToken)
    {
        var (game, addresses) = options.Bare is { } bare ? MadeUp(bare, options.Players) : await CreateAsync(web, options, cancellationToken);
        for (var seat = 1; seat <= options.Players; seat++)
        {
            var player = new Player(game, seat, addresses[seat - 1], stats, plain: options.Transport == "ws", byUrl: options.ResumeBy == "url");
            game.Seats.Add(player);
            await player.ConnectAsync(cancellationToken);
        }
        await Task.WhenAll(game.Seats.Select(p => p.Live)).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        return game;
    }

    /// <summary>Messages of other players this game's players did not receive, though their senders saw them logged.</summary>
    public long Lost()
    {
        long lost = 0;
        foreach (var sender in Seats)
        {
            var logged = Interlocked.Read(ref sender.AcknowledgedCount);
            lost += Seats.Where(r => r != sender).Sum(r => Math.Max(0, logged - r.ReceivedFrom(sender.Seat)));
        }
        return lost;
    }

    public long Unacknowledged() => Seats.Sum(p => p.Unacknowledged);

    /// <summary>Waits (at most 10 s) for the last messages on their way: until nothing is lost or unacknowledged.</summary>
    public static async Task DrainAsync(IReadOnlyList<Game> games)
    {
        for (var waited = 0; waited < 100 && games.Any(g => g.Lost() > 0 || g.Unacknowledged() > 0); waited++)
        {
            await Task.Delay(100);
        }
    }

    private static (Game, List<Uri>) MadeUp(Uri bare, int players)
    {
        // Unique across the load generators of one run: the process id is in it.
        var game = new Game($"b{Environment.ProcessId}-{Interlocked.Increment(ref s_madeUp)}", players);
        return (game, Enumerable.Range(1, players).Select(seat => new Uri(bare, $"/ws?game={game.Id}&seat={seat}")).ToList());
    }

    private static async Task<(Game, List<Uri>)> CreateAsync(HttpClient web, Options options, CancellationToken cancellationToken)
    {
        var created = await ReadAsync(await web.PostAsJsonAsync("api/games", new { title = options.Title, name = "p1" }, cancellationToken), cancellationToken);
        var game = new Game(created.GetProperty("gameId").GetString()!, options.Players);
        var tokens = new List<string> { created.GetProperty("token").GetString()! };
        for (var seat = 2; seat <= options.Players; seat++)
        {
            var joined = await ReadAsync(await web.PostAsJsonAsync($"api/games/{game.Id}/players", new { name = $"p{seat}" }, cancellationToken), cancellationToken);
            tokens.Add(joined.GetProperty("token").GetString()!);
        }
        var channels = new Uri(created.GetProperty("channelUrl").GetString()!);
        var path = options.Transport == "ws" ? "ws" : "channels";
        return (game, tokens.Select(token =>
            new Uri($"ws://{channels.Host}:{channels.Port}/{path}?game={game.Id}&access_token={Uri.EscapeDataString(token)}")).ToList());
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}

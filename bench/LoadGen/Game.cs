using System.Net.Http.Json;
using System.Text.Json;

namespace LoadGen;

/// <summary>A game made through the Web API, as a browser makes it: the host creates it, the others join.</summary>
internal sealed class Game(string id, int players)
{
    public string Id => id;

    public int Players => players;

    public List<Player> Seats { get; } = [];

    public static async Task<(Game Game, Uri Channels, List<string> Tokens)> CreateAsync(HttpClient web, string title, int players)
    {
        var created = await ReadAsync(await web.PostAsJsonAsync("api/games", new { title, name = "p1" }));
        var game = new Game(created.GetProperty("gameId").GetString()!, players);
        var tokens = new List<string> { created.GetProperty("token").GetString()! };
        for (var seat = 2; seat <= players; seat++)
        {
            var joined = await ReadAsync(await web.PostAsJsonAsync($"api/games/{game.Id}/players", new { name = $"p{seat}" }));
            tokens.Add(joined.GetProperty("token").GetString()!);
        }
        return (game, new Uri(created.GetProperty("channelUrl").GetString()!), tokens);
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

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

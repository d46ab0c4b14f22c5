using Microsoft.Extensions.Options;
using Platform.Archive.Games;
using Platform.Games;

namespace Platform.TestSupport.Channels;

/// <summary>A game made the way Web makes it, with a join token for each seat.</summary>
public sealed record TestGame(string GameId, string Title, IReadOnlyList<SeatRecord> Seats, IReadOnlyList<string> Tokens);

public static class TestGames
{
    public static JoinTokens Tokens(TimeProvider? time = null) => new(Options.Create(new TokenOptions
    {
        Keys = new() { [TestServers.TokenKeyId] = TestServers.TokenKey },
        CurrentKeyId = TestServers.TokenKeyId,
    }), time ?? TimeProvider.System);

    public static async Task<TestGame> CreateAsync(TestDatabase database, int players, string title = "chat")
    {
        await using var dataSource = database.CreateDataSource();
        var store = new PostgresGameStore(dataSource, TimeProvider.System);
        var found = Titles.Find(title)!;
        var (gameId, host) = await store.CreateAsync(title, "Player 1", CancellationToken.None).DefaultTimeout();
        var seats = new List<SeatRecord> { host };
        for (var i = 2; i <= players; i++)
        {
            var (_, seat) = await store.JoinAsync(gameId, $"Player {i}", found.MaxPlayers, found.MinPlayers, CancellationToken.None).DefaultTimeout();
            seats.Add(seat!);
        }
        var tokens = Tokens();
        return new TestGame(gameId, title, seats, seats.Select(s => tokens.Seal(tokens.Issue(gameId, s.PlayerId, s.Seat, title, s.Name))).ToList());
    }
}

using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Platform.Archive.Games;
using Platform.Games;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>A server whose seats are left for good after one second without a connection.</summary>
public sealed class ShortGraceChannelServer : ChannelServer
{
    protected override Dictionary<string, string?> Settings => new() { ["PLATFORM_CHANNELS__SEATGRACESECONDS"] = "1" };
}

/// <summary>Tic-tac-toe's seats: what follows when the host or the guest stays away past the grace period.</summary>
public class SeatGraceTests(ShortGraceChannelServer server) : IClassFixture<ShortGraceChannelServer>
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(20); // one second of grace on a busy machine

    private static string Said(JsonElement envelope) => $"{envelope.Type()} {envelope.GetProperty("body").GetRawText()}";

    [Fact]
    public async Task TheHostAwayPastTheGracePeriodEndsTheGameForEveryone()
    {
        var game = await TestGames.CreateAsync(server.Database, 2, "tictactoe");
        var x = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var o = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        await x.SendAsync("move", new { cell = 4 });
        await x.DisposeAsync();

        var tail = await o.ReadUntilAsync(e => e.Type() == "game.ended", Grace);

        tail.Where(e => e.From() == "system" && e.Type() is "player.left" or "game.ended").Select(Said).ShouldBe([
            """player.left {"seat":1,"name":"Player 1","reason":"away"}""",
            """game.ended {"reason":"host_left"}""",
        ]);
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => o.SendAsync("move", new { cell = 0 })))
            .ShouldBe($"game_ended: game {game.GameId} has ended");
        // A reload reads the same story from the log.
        (await o.ResumeAllAsync(0)).Select(Said).ShouldContain("""game.ended {"reason":"host_left"}""");
    }

    [Fact]
    public async Task TheGuestAwayPastTheGracePeriodFreesTheSeatForANewGuestAndTheOldOneCannotTakeItBack()
    {
        var game = await TestGames.CreateAsync(server.Database, 2, "tictactoe");
        await using var x = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var o = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        await x.SendAsync("move", new { cell = 4 });
        await o.SendAsync("move", new { cell = 0 });
        await o.DisposeAsync();

        var tail = await x.ReadUntilAsync(e => e.Type() == "game.reset", Grace);
        tail.Where(e => e.Type() is "player.left" or "game.reset").Select(Said).ShouldBe([
            """player.left {"seat":2,"name":"Player 2","reason":"away"}""",
            """game.reset {"reason":"guest_left","seat":2}""",
        ]);
        (await Should.ThrowAsync<HubException>(() => x.SendAsync("move", new { cell = 0 })))
            .Message.ShouldEndWith("rejected: wait for a second player to join");

        // Web seats a new player in the free seat; the old guest's token no longer opens it.
        await using var dataSource = server.Database.CreateDataSource();
        var store = new PostgresGameStore(dataSource, TimeProvider.System);
        var carol = await Eventually.ForAsync(async () => (await store.JoinAsync(game.GameId, "Carol", 2, 2, CancellationToken.None)).Seat,
            Grace, "the archive frees seat 2 once the reset is logged");
        carol.Seat.ShouldBe(2);
        await using var old = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false);
        await old.Closed.Task.DefaultTimeout();
        old.ClosedWith!.Message.ShouldContain($"HubException: player_left: you left game {game.GameId} and your seat was given up; join the game again");

        var tokens = TestGames.Tokens();
        await using var c = await ChannelClient.ConnectAsync(server.Address, game.GameId,
            tokens.Seal(tokens.Issue(game.GameId, carol.PlayerId, 2, "tictactoe", "Carol")));
        (await x.ReadUntilAsync(e => e.Type() == "player.joined", Grace)).Last().GetProperty("body").GetRawText()
            .ShouldBe("""{"seat":2,"name":"Carol"}""");
        // A new game on a clear board: the host's cell 5 is free again, and it is the host's turn.
        (await Should.ThrowAsync<HubException>(() => c.SendAsync("move", new { cell = 0 }))).Message.ShouldEndWith("rejected: it is Player 1's turn");
        (await x.SendAsync("move", new { cell = 4 })).ShouldBeGreaterThan(0);
        (await c.SendAsync("move", new { cell = 0 })).ShouldBeGreaterThan(0);
    }
}

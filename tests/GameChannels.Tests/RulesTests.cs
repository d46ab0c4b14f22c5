using Microsoft.AspNetCore.SignalR;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public class RulesTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    private static async Task<string> RejectionAsync(ChannelClient client, int cell) =>
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => client.SendAsync("move", new { cell })));

    [Fact]
    public async Task TheRefereeRefusesIllegalMovesAndAnnouncesTheWinner()
    {
        var game = await TestGames.CreateAsync(server.Database, 2, "tictactoe");
        await using var x = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var o = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        var before = (await o.ResumeAsync(0)).GetProperty("latestSeq").GetInt64();

        (await RejectionAsync(o, 4)).ShouldBe("rejected: it is Player 1's turn");
        (await o.ResumeAsync(0)).GetProperty("latestSeq").GetInt64().ShouldBe(before, "a rejected move is not logged");

        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => x.SendAsync("move", new { cell = 0 }, to: 2)))
            .ShouldBe("rejected: a move is seen by both players: send it without 'to'");
        await x.SendAsync("move", new { cell = 0 });
        (await RejectionAsync(o, 0)).ShouldBe("rejected: cell 1 is taken", "people count cells from 1");
        (await RejectionAsync(o, 9)).ShouldBe("rejected: a move is {\"cell\": 0..8}");
        await o.SendAsync("move", new { cell = 3 });
        await x.SendAsync("move", new { cell = 1 });
        await o.SendAsync("move", new { cell = 4 });
        await x.SendAsync("chat", new { text = "watch this" }); // other types pass untouched
        var winning = await x.SendAsync("move", new { cell = 2 });

        var tail = await o.ReadUntilAsync(e => e.Type() == "game.ended");
        var result = tail.Single(e => e.Type() == "game.result");
        result.Seq().ShouldBe(winning + 1);
        result.From().ShouldBe("system");
        result.GetProperty("body").GetRawText().ShouldBe("""{"winner":1,"line":[0,1,2]}""");
        tail.Last().GetProperty("body").GetRawText().ShouldBe("""{"reason":"rules"}""");
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => o.SendAsync("move", new { cell = 5 })))
            .ShouldBe($"game_ended: game {game.GameId} has ended");
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(() => x.SendAsync("move", new { cell = 6 }, to: 2)))
            .ShouldBe($"game_ended: game {game.GameId} has ended");
    }

    [Fact]
    public async Task NoMoveIsAcceptedUntilTheSecondSeatHasJoined()
    {
        var game = await TestGames.CreateAsync(server.Database, 2, "tictactoe");
        await using var x = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);

        (await RejectionAsync(x, 4)).ShouldBe("rejected: wait for a second player to join");
        (await x.SendAsync("chat", new { text = "anyone?" })).ShouldBeGreaterThan(0, "chat is not a move");

        await using var o = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        (await x.SendAsync("move", new { cell = 4 })).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task TheRefereeRemembersTheBoardWhenTheGameIsLoadedAgain()
    {
        var game = await TestGames.CreateAsync(server.Database, 2, "tictactoe");
        await using (var x = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]))
        await using (var o = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]))
        {
            await x.SendAsync("move", new { cell = 4 });
            await o.SendAsync("move", new { cell = 0 });
        }
        // Everyone left, so the room was let go; the next connection replays the log into new rules.
        await using var o2 = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        (await RejectionAsync(o2, 8)).ShouldBe("rejected: it is Player 1's turn");
        await using var x2 = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        (await RejectionAsync(x2, 4)).ShouldBe("rejected: cell 5 is taken");
        (await x2.SendAsync("move", new { cell = 8 })).ShouldBeGreaterThan(0);
    }
}

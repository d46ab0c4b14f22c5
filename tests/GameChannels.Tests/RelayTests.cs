using System.Text.Json;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public class RelayTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public async Task PlayersReceiveEveryMessageOnceInTheSameOrder(int players)
    {
        var game = await TestGames.CreateAsync(server.Database, players);
        var clients = new List<ChannelClient>();
        foreach (var token in game.Tokens)
        {
            clients.Add(await ChannelClient.ConnectAsync(server.Address, game.GameId, token));
        }
        const int each = 25;

        // Everyone sends at once: the server's order is the order, whatever it is.
        await Task.WhenAll(clients.Select((c, i) => Task.Run(async () =>
        {
            for (var n = 0; n < each; n++)
            {
                await c.SendAsync("chat", new { text = $"p{i + 1}-{n}" });
            }
        })));
        foreach (var client in clients)
        {
            await client.ReadUntilAsync(_ => client.Received.Chats().Count == players * each);
        }

        var orders = clients.Select(c => c.Received.Chats().Select(e => e.Seq()).ToList()).ToList();
        foreach (var order in orders)
        {
            order.ShouldBe(orders[0], "every player sees the same order");
            order.ShouldBeInOrder(SortDirection.Ascending);
            order.Distinct().Count().ShouldBe(order.Count, "nothing twice");
        }
        var everything = clients[0].Received.Select(e => e.Seq()).ToList();
        everything.ShouldBe(Enumerable.Range((int)everything[0], everything.Count).Select(i => (long)i), "numbers are dense");
        for (var i = 0; i < players; i++)
        {
            // Each sender's own messages come back in the order it sent them, as its acknowledgement.
            var own = clients[i].Received.Chats().Where(e => e.From() == (i + 1).ToString()).Select(e => e.Text()).ToList();
            own.ShouldBe(Enumerable.Range(0, each).Select(n => $"p{i + 1}-{n}"));
        }
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task AResentClientMessageIdIsAppendedOnce()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);

        var first = await a.SendAsync("chat", new { text = "once" }, clientMsgId: "retry-me");
        var again = await a.SendAsync("chat", new { text = "once" }, clientMsgId: "retry-me");

        again.ShouldBe(first);
        await using var b = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false);
        (await b.ResumeAllAsync(0)).Count(e => e.IsText("once")).ShouldBe(1);
        // Another seat may use the same id: ids are per sender.
        (await b.SendAsync("chat", new { text = "mine" }, clientMsgId: "retry-me")).ShouldBeGreaterThan(first);
    }

    [Fact]
    public async Task APlayerWhoDropsOutResumesWithExactlyWhatItMissed()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var b = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        var seen = await a.SendAsync("chat", new { text = "before" });
        await b.ReadUntilAsync(e => e.Seq() == seen);
        await b.DisposeAsync();
        // The server sees the drop on its own time: wait for it, so that the missed part starts with it.
        await a.ReadUntilAsync(e => e.Type() == "player.disconnected");

        for (var n = 0; n < 10; n++)
        {
            await a.SendAsync("chat", new { text = $"missed-{n}" });
        }

        await using var back = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false);
        var missed = await back.ResumeAllAsync(seen);
        missed.Chats().Select(e => e.Text()).ShouldBe(Enumerable.Range(0, 10).Select(n => $"missed-{n}"));
        missed.Select(e => e.Seq()).ShouldBe(Enumerable.Range((int)seen + 1, missed.Count).Select(i => (long)i));
        missed.First().Type().ShouldBe("player.disconnected");

        // Live again: the next message arrives once, after what it resumed.
        var next = await a.SendAsync("chat", new { text = "live" });
        (await back.ReadUntilAsync(e => e.Seq() == next)).Last().Text().ShouldBe("live");
    }

    [Fact]
    public async Task ADirectMessageReachesOnlyItsSeatAndItsSender()
    {
        var game = await TestGames.CreateAsync(server.Database, 3);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var b = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        await using var c = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[2]);

        var secret = await a.SendAsync("chat", new { text = "for seat 2" }, to: 2);
        var after = await a.SendAsync("chat", new { text = "for all" });

        (await b.ReadUntilAsync(e => e.Seq() == after)).ShouldContain(e => e.Seq() == secret && e.Text() == "for seat 2");
        (await a.ReadUntilAsync(e => e.Seq() == after)).ShouldContain(e => e.Seq() == secret && e.GetProperty("to").GetInt32() == 2);
        (await c.ReadUntilAsync(e => e.Seq() == after)).ShouldNotContain(e => e.Seq() == secret);
        (await c.ResumeAllAsync(0)).ShouldNotContain(e => e.Seq() == secret, "nor in its history");
        (await b.ResumeAllAsync(0)).ShouldContain(e => e.Seq() == secret);
    }

    [Fact]
    public async Task PresenceIsInTheLog()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var b = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        await b.DisposeAsync();
        await a.ReadUntilAsync(e => e.Type() == "player.disconnected");

        var log = await a.ResumeAllAsync(0);
        log.Select(e => (e.Type(), e.GetProperty("body").GetProperty("seat").GetInt32())).ShouldBe(
        [
            ("player.joined", 1), ("player.connected", 1), ("player.joined", 2), ("player.connected", 2), ("player.disconnected", 2),
        ]);
        log.ShouldAllBe(e => e.From() == "system");
        log.Last().GetProperty("body").GetProperty("reason").GetString().ShouldBe("closed");

        // A second connection of the same seat is connected, not joined again.
        await using var again = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        (await a.ReadUntilAsync(e => e.Type() == "player.connected")).ShouldNotContain(e => e.Type() == "player.joined");
    }
}

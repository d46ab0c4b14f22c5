using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>A server whose resume pages hold 4 messages, so that what a client missed takes several pages.</summary>
public sealed class SmallPagesServer : ChannelServer
{
    protected override Dictionary<string, string?> Settings => new() { ["PLATFORM_CHANNELS__RESUMEPAGESIZE"] = "4" };
}

/// <summary>
/// A connection opened with ?after=N is live at once: the server sends the pages a resume from N would get, with
/// no resume call (docs/protocol.md section 7), on both transports.
/// </summary>
public class ConnectAfterTests(SmallPagesServer server) : IClassFixture<SmallPagesServer>
{
    public static TheoryData<Transport> Transports => [Transport.SignalR, Transport.WebSocket];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AConnectionOpenedWithAfterReceivesExactlyWhatItMissedWithoutAResumeCall(Transport transport)
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var b = await TestChannel.ConnectAsync(transport, server.Address, game.GameId, game.Tokens[1]);
        var seen = await a.SendAsync("chat", new { text = "before" });
        await b.ReadUntilAsync(e => e.Seq() == seen);
        await b.DisposeAsync();
        // Whether b's player.disconnected is logged before them or among them, the pages must have it all.
        foreach (var text in Enumerable.Range(0, 10).Select(n => $"missed-{n}"))
        {
            await a.SendAsync("chat", new { text });
        }

        await using var back = await TestChannel.ConnectAfterAsync(transport, server.Address, game.GameId, game.Tokens[1], seen);
        var missed = await back.Pushed.AllAsync();

        back.Pushed.Pages.Count.ShouldBeGreaterThan(2, "pages of 4: the server went on from each page's last number");
        missed.Chats().Select(e => e.Text()).ShouldBe(Enumerable.Range(0, 10).Select(n => $"missed-{n}"));
        // Its own player.connected is in the pages or comes live, once: nothing between is missing or twice.
        await Eventually.TrueAsync(() => missed.Concat(back.Received).Any(e => e.Type() == "player.connected"), TaskTimeouts.Default,
            "its own connection is announced");
        var numbers = missed.Concat(back.Received).Select(e => e.Seq()).Order().ToList();
        numbers.ShouldBe(Enumerable.Range((int)seen + 1, numbers.Count).Select(i => (long)i), "no gap, no repeat");

        // Live: the next message arrives once, after what the pages had.
        var next = await a.SendAsync("chat", new { text = "live" });
        (await back.ReadUntilAsync(e => e.Seq() == next)).Last().Text().ShouldBe("live");
        missed.Concat(back.Received).Count(e => e.Seq() == next).ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AMessageSentWhileAConnectionWithAfterComesUpIsNeitherLostNorRepeated(Transport transport)
    {
        // Four players send while a fifth connects with ?after= and drops again and again (PacedSenders).
        var game = await TestGames.CreateAsync(server.Database, 5);
        await using var senders = await PacedSenders.StartAsync(server.Address, game, perSender: 120);

        long seen = 0;
        var rounds = 0;
        for (; !senders.Sending.IsCompleted && rounds < 500; rounds++)
        {
            await using var coming = await TestChannel.ConnectAfterAsync(transport, server.Address, game.GameId, game.Tokens[0], seen);
            var pages = await coming.Pushed.AllAsync();
            await Task.Delay(Random.Shared.Next(0, 30));
            seen = PacedSenders.Round(seen, pages.Concat(coming.Received), rounds);
        }
        await senders.FinishAsync();
        rounds.ShouldBeGreaterThan(10);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task AnAfterBeyondTheEndOfTheLogGetsANewEpochAsAResumeWould(Transport transport)
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var before = (await a.RequestAsync(new { op = "resume", afterSeq = 0 })).GetProperty("result").GetProperty("epoch").GetString();

        await using var b = await TestChannel.ConnectAfterAsync(transport, server.Address, game.GameId, game.Tokens[1], 1_000_000);
        await b.Pushed.AllAsync();

        b.Pushed.Pages[0].GetProperty("epoch").GetString().ShouldNotBe(before, "a client that saw numbers the log never had reads it again");
    }

    public static TheoryData<Transport, string> BadAfters()
    {
        var data = new TheoryData<Transport, string>();
        foreach (var transport in new[] { Transport.SignalR, Transport.WebSocket })
        {
            foreach (var after in new[] { "abc", "-1", "99999999999999999999", "9223372036854775808", "", "1.5", "1e3", "%201", "+1", "0x10", "1&after=2" })
            {
                data.Add(transport, after);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadAfters))]
    public async Task ABadAfterIsRefusedBeforeTheUpgradeWithBadRequest(Transport transport, string after)
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var url = TestChannel.Url(transport, server.Address, game.GameId, game.Tokens[0], after);

        using (var socket = new ClientWebSocket())
        {
            socket.Options.CollectHttpResponseDetails = true;
            await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(url, default).DefaultTimeout());
            socket.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        // What a browser asks when its upgrade failed: the same URL over plain HTTP says why.
        using var http = new HttpClient();
        using var response = await http.GetAsync(new UriBuilder(url) { Scheme = "http" }.Uri).DefaultTimeout();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("code").GetString().ShouldBe("bad_request");
        problem.GetProperty("detail").GetString()!.ShouldStartWith("after must be");

        // The server is none the worse: a good after still works.
        await using var good = await TestChannel.ConnectAfterAsync(transport, server.Address, game.GameId, game.Tokens[0], 0);
        await good.Pushed.AllAsync();
        good.IsOpen.ShouldBeTrue();
    }
}

using System.Net;
using System.Net.WebSockets;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>The plain WebSocket transport: the same game core, so the same guarantees as the SignalR hub.</summary>
public class WebSocketTransportTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Fact]
    public async Task PlayersOnEitherTransportShareOneGameInOneOrder()
    {
        var game = await TestGames.CreateAsync(server.Database, 3);
        await using var ws = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var ws2 = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        await using var signalR = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[2]);

        var sends = new List<Task<long>>();
        for (var n = 0; n < 20; n++)
        {
            sends.Add(ws.SendAsync("chat", new { text = $"ws-{n}" }));
            sends.Add(signalR.SendAsync("chat", new { text = $"sr-{n}" }));
        }
        var last = (await Task.WhenAll(sends)).Max();

        var viaWs = (await ws2.ReadUntilAsync(e => e.Seq() == last)).Chats();
        var viaSignalR = (await signalR.ReadUntilAsync(e => e.Seq() == last)).Chats();
        viaWs.Select(e => e.Seq()).ShouldBe(viaSignalR.Select(e => e.Seq()), "one order for every transport");
        viaWs.Count.ShouldBe(40);
        viaWs.Where(e => e.From() == "1").Select(e => e.Text()).ShouldBe(Enumerable.Range(0, 20).Select(n => $"ws-{n}"));
        // The byte-identical envelope reaches both transports.
        viaWs.Select(e => e.GetRawText()).ShouldBe(viaSignalR.Select(e => e.GetRawText()));
    }

    [Fact]
    public async Task AWebSocketPlayerResumesWhatItMissedAndResendsSafely()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var first = await a.SendAsync("chat", new { text = "once" }, clientMsgId: "c1");
        (await a.SendAsync("chat", new { text = "once" }, clientMsgId: "c1")).ShouldBe(first);

        var b = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        var seen = (await b.ResumeAllAsync(0)).Max(e => e.Seq());
        await b.DisposeAsync();
        for (var n = 0; n < 5; n++)
        {
            await a.SendAsync("chat", new { text = $"missed-{n}" });
        }
        await using var back = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1], resume: false);
        var missed = await back.ResumeAllAsync(seen);
        missed.Chats().Select(e => e.Text()).ShouldBe(Enumerable.Range(0, 5).Select(n => $"missed-{n}"));
        missed.Select(e => e.Seq()).ShouldBe(Enumerable.Range((int)seen + 1, missed.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task ResumingWhileOthersSendMissesNothingAndRepeatsNothing()
    {
        // Five players send while a sixth connects, resumes and drops again and again (PacedSenders).
        var game = await TestGames.CreateAsync(server.Database, 6);
        await using var senders = await PacedSenders.StartAsync(server.Address, game, perSender: 150);

        long seen = 0;
        var rounds = 0;
        for (; !senders.Sending.IsCompleted && rounds < 500; rounds++)
        {
            await using var resuming = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0], resume: false);
            var page = await resuming.ResumeAllAsync(seen);
            await Task.Delay(Random.Shared.Next(0, 30));
            seen = PacedSenders.Round(seen, page.Concat(resuming.Received), rounds);
        }
        await senders.FinishAsync();
        rounds.ShouldBeGreaterThan(20);
    }

    [Fact]
    public async Task BadInputIsAnsweredWithACodeAndAnOversizedFrameClosesTheConnection()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);

        (await a.RequestAsync(new { op = "dance" })).GetProperty("error").GetString()
            .ShouldBe("bad_request: each record needs \"op\": send, resume or end");
        (await a.RequestAsync(new { op = "send", clientMsgId = "x", type = "game.ended" })).GetProperty("error").GetString()
            .ShouldBe("bad_request: types starting with 'player.' or 'game.' are the server's own");
        (await a.RequestAsync(new { op = "end" })).GetProperty("seq").GetInt64().ShouldBeGreaterThan(0);
        await a.SendTextAsync("""{"op":"send","clientMsgId":"late","type":"chat","body":1}""");
        await a.SendTextAsync("{not json");
        for (var attempt = 0; attempt < 100 && a.Errors.Count < 2; attempt++)
        {
            await Task.Delay(50);
        }
        a.Errors.Select(e => e.GetRawText()).ShouldBe(
        [
            $$"""{"clientMsgId":"late","error":"game_ended: game {{game.GameId}} has ended"}""",
            """{"error":"bad_request: a record must be one JSON object"}""",
        ]);

        await a.SendTextAsync(new string(' ', 200_000));
        await a.Closed.Task.DefaultTimeout();
        a.CloseStatus.ShouldBe(WebSocketCloseStatus.MessageTooBig);
        a.CloseDescription!.ShouldStartWith("too_large:");
    }

    [Fact]
    public async Task ABadTokenIsRefusedBeforeTheUpgrade()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Should.ThrowAsync<WebSocketException>(() => socket.ConnectAsync(WsChannelClient.Uri(server.Address, game.GameId, "k.AAAA"), default).DefaultTimeout());
        socket.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}

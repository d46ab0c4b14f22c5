using Microsoft.AspNetCore.SignalR;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>A channel server with small limits, so that each one can be reached quickly.</summary>
public sealed class SmallLimitsServer : ChannelServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["PLATFORM_CHANNELS__MAXMESSAGEBYTES"] = "1024",
        ["PLATFORM_CHANNELS__MESSAGESPERSECONDPERCONNECTION"] = "5",
        ["PLATFORM_CHANNELS__BURSTPERCONNECTION"] = "5",
        ["PLATFORM_CHANNELS__MESSAGESPERSECONDPERGAME"] = "8",
        ["PLATFORM_CHANNELS__BURSTPERGAME"] = "8",
        ["PLATFORM_CHANNELS__MAXCONNECTIONSPERGAME"] = "3",
        ["PLATFORM_CHANNELS__MAXPLAYERSPERGAME"] = "3",
    };
}

public class LimitTests(SmallLimitsServer server) : IClassFixture<SmallLimitsServer>
{
    private static async Task<string> RefusalAsync(Func<Task> call) =>
        ChannelClient.Refusal(await Should.ThrowAsync<HubException>(call));

    [Fact]
    public async Task AMessageOverTheSizeLimitIsRefusedAndNotLogged()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);

        (await RefusalAsync(() => a.SendAsync("chat", new { text = new string('x', 2000) })))
            .ShouldStartWith("too_large: the message is ");
        (await a.ResumeAllAsync(0)).Chats().ShouldBeEmpty();
        (await a.SendAsync("chat", new { text = "fits" })).ShouldBeGreaterThan(0, "the connection is still usable");

        (await ScrapedMetrics.ReadAsync(server.Address)).Value("platform_channel_refused_total{code=\"too_large\"}").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task ASeatBeyondThePlayerLimitIsRefused()
    {
        // The title allows 8; this server allows 3.
        var game = await TestGames.CreateAsync(server.Database, 4);
        await using var fourth = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[3], resume: false);
        await fourth.Closed.Task.DefaultTimeout();
        fourth.ClosedWith!.Message.ShouldContain("HubException: forbidden: seat 4 is beyond the 3 players this game may have");

        // The core refuses it, so the plain WebSocket transport does the same.
        await using var plain = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[3], resume: false);
        await plain.Closed.Task.DefaultTimeout();
        plain.CloseStatus.ShouldBe(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation);
        plain.CloseDescription.ShouldBe("forbidden: seat 4 is beyond the 3 players this game may have");
    }

    [Fact]
    public async Task AConnectionSendingTooFastIsRateLimited()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);

        var refusals = new List<string>();
        for (var n = 0; n < 12; n++)
        {
            try
            {
                await a.SendAsync("chat", new { text = $"{n}" });
            }
            catch (HubException e)
            {
                refusals.Add(ChannelClient.Refusal(e));
            }
        }
        refusals.ShouldNotBeEmpty();
        refusals.ShouldAllBe(m => m == "rate_limited: too many messages on this connection; slow down and retry");
    }

    [Fact]
    public async Task AGameWhosePlayersTogetherSendTooFastIsRateLimited()
    {
        var game = await TestGames.CreateAsync(server.Database, 3);
        var clients = new List<ChannelClient>();
        foreach (var token in game.Tokens)
        {
            clients.Add(await ChannelClient.ConnectAsync(server.Address, game.GameId, token));
        }
        var refusals = new List<string>();
        // Each connection stays within its own 5, but together they exceed the game's 8.
        foreach (var client in clients)
        {
            for (var n = 0; n < 4; n++)
            {
                try
                {
                    await client.SendAsync("chat", new { text = $"{n}" });
                }
                catch (HubException e)
                {
                    refusals.Add(ChannelClient.Refusal(e));
                }
            }
        }
        refusals.ShouldContain("rate_limited: too many messages in this game; slow down and retry");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("""{"type":"chat","body":1}""", "bad_request: clientMsgId must be a string of 1 to 64 characters")]
    [InlineData("""{"clientMsgId":"a","body":1}""", "bad_request: type must be 1 to 40 characters")]
    [InlineData("""{"clientMsgId":"a","type":"game.ended"}""", "bad_request: types starting with 'player.' or 'game.' are the server's own")]
    [InlineData("""{"clientMsgId":"a","type":"chat","to":4}""", "bad_request: to must be a seat from 1 to 3")]
    [InlineData("""{"clientMsgId":"a","type":"chat","to":"seat 2"}""", "bad_request: to must be a seat number")]
    [InlineData("""{"clientMsgId":"a","type":"chat","colour":"red"}""", "bad_request: unknown field 'colour'")]
    [InlineData("""["not","an","object"]""", "bad_request: send an object {clientMsgId, type, body, to?}")]
    public async Task AMalformedMessageGetsBadRequestAndChangesNothing(string json, string expected)
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        var before = (await a.ResumeAsync(0)).GetProperty("latestSeq").GetInt64();

        using var argument = System.Text.Json.JsonDocument.Parse(json);
        (await RefusalAsync(() => a.SendRawAsync(argument.RootElement))).ShouldStartWith(expected);

        (await a.ResumeAsync(0)).GetProperty("latestSeq").GetInt64().ShouldBe(before);
    }

    [Fact]
    public async Task AGameHasAtMostItsConnectionLimit()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var open = new List<ChannelClient>();
        for (var n = 0; n < 3; n++)
        {
            // Resumed, so that each has joined before the next connects: SignalR completes the handshake before
            // the join, and joins racing at the limit refuse whichever comes last, not necessarily the fourth.
            open.Add(await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[n % 2]));
        }
        // The handshake completes; the server then closes the connection with its reason.
        await using var refused = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0], resume: false);
        await refused.Closed.Task.DefaultTimeout();
        refused.ClosedWith!.Message.ShouldContain("HubException: forbidden: game");
        foreach (var client in open)
        {
            await client.DisposeAsync();
        }
    }
}

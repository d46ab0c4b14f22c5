using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;
using StackExchange.Redis;

namespace Web.Tests;

/// <summary>
/// channel.js in Chromium against the real channel server (/ws). The page is Bob, seat 2; the other players
/// are .NET clients. Where a test needs what a real server does not do on cue (an answer overtaken by live
/// messages, a connection cut mid-send), the page's WebSocket tap holds or cuts, on the real connection.
/// </summary>
public class ChannelClientTests(ChannelClientServers servers) : IClassFixture<ChannelClientServers>
{
    [Fact]
    public async Task EachMessageIsDeliveredOnceInOrderWhenLiveMessagesOvertakeTheLastPage()
    {
        var game = await TestGames.CreateAsync(servers.Database, 3);
        await using var alice = await servers.PlayerAsync(game, 1);
        await using var carol = await servers.PlayerAsync(game, 3);
        await alice.SendAsync("chat", new { text = "before Bob" });
        var bob = await servers.OpenAsync(game, 2);

        // The page that makes Bob live waits in the tap; on the server he is live already.
        await Js(bob, """
            () => {
              tap.hold = (r) => r.page?.more === false;
              connect();
              return tap.until(() => tap.last()?.received.some((r) => r.page?.more === false), 'the last page');
            }
            """);
        var overtaking = await alice.SendAsync("chat", new { text = "overtakes the last page" });
        var direct = await alice.SendAsync("chat", new { text = "for Carol only" }, to: 3);
        var last = await alice.SendAsync("chat", new { text = "overtakes it too" });
        var result = await Js(bob, """
            async (last) => {
              const socket = tap.last();
              await tap.until(() => socket.received.some((r) => r.seq === last), 'the live messages');
              socket.release();
              await live;
              socket.inject(socket.received.find((r) => r.seq === last)); // one it has, again
              return { seen, after: new URL(socket.url).searchParams.get('after'), resumes: socket.sent.filter((r) => r.op === 'resume').length,
                       pages: socket.received.filter((r) => r.page).map((r) => r.page.messages.length), lastSeq: channel.lastSeq, epoch: channel.epoch };
            }
            """, last);

        var (epoch, log) = await servers.LogAsync(game, 2);
        log.ShouldContain(overtaking);
        log.ShouldNotContain(direct, "a direct message to another seat leaves a gap");
        Longs(result, "seen").ShouldBe(log, "every message Bob may see, once, in order");
        // The URL asked for the log after 0, and the server sent it in pages of two with no resume request.
        result.GetProperty("after").GetString().ShouldBe("0");
        result.GetProperty("resumes").GetInt32().ShouldBe(0);
        var pages = Longs(result, "pages");
        pages.Length.ShouldBeGreaterThan(2);
        pages.ShouldAllBe(count => count <= 2);
        result.GetProperty("lastSeq").GetInt64().ShouldBe(last);
        result.GetProperty("epoch").GetString().ShouldBe(epoch);
    }

    [Fact]
    public async Task ASendLostWithTheConnectionIsSentAgainWithTheSameClientMsgIdAfterTheResume()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        await using var alice = await servers.PlayerAsync(game, 1);
        var bob = await servers.PlayAsync(game, 2);

        // The connection dies quietly: Bob's send never reaches the server, and nothing comes back.
        await Run(bob, """
            () => {
              const socket = tap.last();
              socket.dropSends = true;
              socket.hold = () => true;
              window.lastBeforeDrop = channel.lastSeq;
              window.sent = channel.send('chat', { text: 'hi' });
            }
            """);
        var missed = await alice.SendAsync("chat", new { text = "while Bob is cut off" });
        var result = await Js(bob, """
            async (missed) => {
              const first = tap.sockets[0];
              await tap.until(() => first.received.some((r) => r.seq === missed), 'the message Bob misses');
              first.cut();
              const seq = await sent;
              const second = tap.sockets[1];
              const sends = (socket) => socket.sent.filter((r) => r.op === 'send').map((r) => JSON.stringify(r));
              return { seq, seen, lastBeforeDrop, first: sends(first), retry: sends(second),
                       resumedAfter: Number(new URL(second.url).searchParams.get('after')),
                       resumes: second.sent.filter((r) => r.op === 'resume').length, states: states.map((s) => s.state) };
            }
            """, missed);

        var first = Strings(result, "first").ShouldHaveSingleItem();
        JsonDocument.Parse(first!).RootElement.GetProperty("clientMsgId").GetString().ShouldNotBeNullOrEmpty();
        Strings(result, "retry").ShouldBe([first], "the same message, clientMsgId and all");
        // It reconnected with ?after= its last number: the server sent what it missed with no resume request.
        result.GetProperty("resumedAfter").GetInt64().ShouldBe(result.GetProperty("lastBeforeDrop").GetInt64());
        result.GetProperty("resumes").GetInt32().ShouldBe(0);
        var seen = Longs(result, "seen");
        ShouldBeTheLog(seen, (await servers.LogAsync(game, 2)).Seqs);
        seen.ShouldContain(missed);
        seen.ShouldContain(result.GetProperty("seq").GetInt64());
        Strings(result, "states").ShouldBe(["connecting", "resuming", "live", "reconnecting", "connecting", "resuming", "live"]);
    }

    [Fact]
    public async Task ASendRefusedAsUnavailableIsSentAgainOnceAfterAReconnect()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var bob = await servers.PlayAsync(game, 2);

        // The server could not reach the log for this send (the tap loses it, then answers as the server would).
        var result = await Js(bob, """
            async () => {
              const first = tap.last();
              first.dropSends = true;
              const sent = channel.send('chat', { text: 'hi' });
              const record = await tap.until(() => first.sent.find((r) => r.op === 'send'), 'the send');
              first.inject({ clientMsgId: record.clientMsgId, error: 'unavailable: the game log cannot be reached right now; retry (a send with the same clientMsgId)' });
              const seq = await sent;
              const sends = (socket) => socket.sent.filter((r) => r.op === 'send').map((r) => JSON.stringify(r));
              return { seq, sockets: tap.sockets.length, first: sends(first), retry: sends(tap.sockets[1]) };
            }
            """);

        var first = Strings(result, "first").ShouldHaveSingleItem();
        result.GetProperty("sockets").GetInt32().ShouldBe(2, "it reconnects, with its backoff, rather than resending on a timer");
        Strings(result, "retry").ShouldBe([first], "once more, on the next connection, clientMsgId and all");
        (await servers.LogAsync(game, 2)).Seqs.ShouldContain(result.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task ASendThatReachedTheLogBeforeTheDropIsAnsweredByTheResumeAndNotSentAgain()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var bob = await servers.PlayAsync(game, 2);

        var result = await Js(bob, """
            async () => {
              const first = tap.last();
              first.hold = () => true; // the echo, Bob's acknowledgement, is lost with the connection
              const sent = channel.send('chat', { text: 'made it' });
              const echo = await tap.until(() => first.received.find((r) => r.type === 'chat'), 'the echo');
              first.cut();
              const seq = await sent;
              return { seq, echo: echo.seq, seen, sends: tap.sockets.map((s) => s.sent.filter((r) => r.op === 'send').length) };
            }
            """);

        result.GetProperty("seq").GetInt64().ShouldBe(result.GetProperty("echo").GetInt64());
        Longs(result, "sends").ShouldBe([1, 0]);
        var seen = Longs(result, "seen");
        ShouldBeTheLog(seen, (await servers.LogAsync(game, 2)).Seqs);
        seen.ShouldContain(result.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task ANewEpochDropsWhatWasDeliveredAndDeliversTheLogAgainFromTheStart()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        await using (var alice = await servers.PlayerAsync(game, 1))
        {
            await alice.SendAsync("chat", new { text = "in the log Redis loses" });
        }
        var bob = await servers.PlayAsync(game, 2);
        var before = await Js(bob, "() => ({ last: channel.lastSeq, epoch: channel.epoch })");

        using (var redis = await ConnectionMultiplexer.ConnectAsync(servers.Redis).DefaultTimeout())
        {
            await redis.GetDatabase().KeyDeleteAsync(
                [RedisKeys.GameMeta(game.GameId), RedisKeys.GameLog(game.GameId), RedisKeys.GameClientIds(game.GameId)]).DefaultTimeout();
        }
        // The next message starts a new log, and the server drops the live connections so that they see it.
        await using var aliceAgain = await servers.PlayerAsync(game, 1, resume: false);
        var fresh = await aliceAgain.SendAsync("chat", new { text = "in the new log" });
        var result = await Js(bob, """
            async (fresh) => {
              await tap.until(() => channel.isLive && seen.includes(fresh), 'the new log');
              const socket = tap.last();
              return { resets, seen, epoch: channel.epoch, resumedAfter: [Number(new URL(socket.url).searchParams.get('after')),
                       ...socket.sent.filter((r) => r.op === 'resume').map((r) => r.afterSeq)] };
            }
            """, fresh);

        var (epoch, log) = await servers.LogAsync(game, 2);
        result.GetProperty("resets").GetInt32().ShouldBe(1);
        Longs(result, "resumedAfter")[..2].ShouldBe([before.GetProperty("last").GetInt64(), 0]);
        ShouldBeTheLog(Longs(result, "seen"), log);
        epoch.ShouldNotBe(before.GetProperty("epoch").GetString());
        result.GetProperty("epoch").GetString().ShouldBe(epoch);
    }

    [Fact]
    public async Task ItComesBackAfterTheDelayTheServerAsksForAndBacksOffWhileItCannotConnect()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var bob = await servers.PlayAsync(game, 2);

        await servers.RestartChannelsAsync(() =>
            Js(bob, "() => tap.until(() => states.filter((s) => s.state === 'reconnecting').length >= 5, 'attempts while the server is down')"));
        var result = await Js(bob, """
            async () => {
              await tap.until(() => channel.isLive, 'live again');
              const [first, second] = tap.sockets;
              return { afterMs: first.received.find((r) => r.reconnect).reconnect.afterMs,
                       waited: second.createdAt - first.closedAt, states };
            }
            """);

        var afterMs = result.GetProperty("afterMs").GetInt32();
        var states = result.GetProperty("states").EnumerateArray().ToList();
        var delays = states.Where(s => s.GetProperty("state").GetString() == "reconnecting").Select(s => s.GetProperty("delayMs").GetInt32()).ToList();
        delays[0].ShouldBe(afterMs, "the server's delay, not the backoff");
        result.GetProperty("waited").GetDouble().ShouldBeGreaterThanOrEqualTo(afterMs - 5);
        // Then 20, 40, 80, 80, ... ms ceilings (capped at 80), each with jitter down to half, from the start
        // again after any time it was live.
        var attempt = 0;
        foreach (var state in states.SkipWhile(s => s.GetProperty("state").GetString() != "reconnecting").Skip(1))
        {
            if (state.GetProperty("state").GetString() == "live")
            {
                attempt = 0;
            }
            else if (state.GetProperty("state").GetString() == "reconnecting")
            {
                var ceiling = (int)Math.Min(80, 20 * Math.Pow(2, attempt++));
                state.GetProperty("delayMs").GetInt32().ShouldBeInRange(ceiling / 2, ceiling);
            }
        }
        delays.Count.ShouldBeGreaterThanOrEqualTo(5);
    }

    [Fact]
    public async Task ARefusedTokenIsRenewedOnceAndARefusalRightAfterARenewalIsFinal()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var tampered = game.Tokens[1][..^2] + (game.Tokens[1][^2] == 'x' ? 'y' : 'x') + game.Tokens[1][^1];
        var bob = await servers.OpenAsync(game, 2, tampered);
        await Run(bob, "() => { connect(); return live; }");

        try
        {
            // Back with another key: every token Web seals is refused now, the renewed one too.
            await servers.RestartChannelsAsync(() => Task.CompletedTask,
                new() { [$"PLATFORM_TOKENS__KEYS__{TestServers.TokenKeyId}"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            var result = await Js(bob, """
                async () => {
                  await tap.until(() => states.at(-1).state === 'failed', 'the channel to give up');
                  return { renewals, tokens: tap.sockets.map((s) => new URL(s.url).searchParams.get('access_token')), final: states.at(-1) };
                }
                """);

            result.GetProperty("renewals").GetInt32().ShouldBe(2);
            var tokens = Strings(result, "tokens");
            tokens[0].ShouldBe(tampered);
            tokens[1].ShouldNotBe(tampered);
            tokens[1..^1].ShouldAllBe(t => t == tokens[1], "the renewed token, until the server refuses it");
            tokens[^1].ShouldNotBe(tokens[1], "renewed once more");
            result.GetProperty("final").GetProperty("code").GetString().ShouldBe("unauthorized");
            result.GetProperty("final").GetProperty("detail").GetString().ShouldBe("The token does not open: the token has been altered.");
        }
        finally
        {
            await servers.RestartChannelsAsync(() => Task.CompletedTask);
        }
    }

    [Fact]
    public async Task ARefusedSendRejectsWithTheServersCodeAndDetail()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2, "tictactoe");
        var bob = await servers.PlayAsync(game, 2);

        var refusal = await Js(bob, "() => channel.send('move', { cell: 4 }).then(() => null, (e) => ({ code: e.code, detail: e.detail }))");

        refusal.GetProperty("code").GetString().ShouldBe("rejected");
        refusal.GetProperty("detail").GetString().ShouldBe("wait for a second player to join");
    }

    [Fact]
    public async Task AConnectionTheServerRefusesSaysWhyAndIsTriedAgainUntilItIsLet()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var full = new List<WsChannelClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                full.Add(await servers.PlayerAsync(game, 1));
            }
            var bob = await servers.OpenAsync(game, 2);

            var refused = await Js(bob, "() => { connect(); return tap.until(() => states.find((s) => s.code === 'forbidden'), 'a refusal'); }");
            await full[0].DisposeAsync();
            await Run(bob, "() => live");

            refused.GetProperty("state").GetString().ShouldBe("reconnecting");
            refused.GetProperty("detail").GetString().ShouldBe($"game {game.GameId} has 4 connections, the most it may have");
        }
        finally
        {
            foreach (var player in full)
            {
                await player.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASendTooLargeForTheServerIsRefusedAndTheChannelComesBack()
    {
        var game = await TestGames.CreateAsync(servers.Database, 2);
        var bob = await servers.PlayAsync(game, 2);

        // Over the server's frame limit (2 × 16384 + 4096 bytes), which closes the connection rather than answer.
        var result = await Js(bob, """
            async () => {
              const refusal = await channel.send('chat', { text: 'x'.repeat(40_000) }).then(() => null, (e) => ({ code: e.code, detail: e.detail }));
              await tap.until(() => channel.isLive, 'live again');
              return { refusal, after: await channel.send('chat', { text: 'small' }), connections: tap.sockets.length };
            }
            """);

        result.GetProperty("refusal").GetProperty("code").GetString().ShouldBe("too_large");
        result.GetProperty("refusal").GetProperty("detail").GetString().ShouldBe("frames are limited to 36864 bytes");
        result.GetProperty("after").GetInt64().ShouldBeGreaterThan(0);
        result.GetProperty("connections").GetInt32().ShouldBe(2);
    }

    /// <summary>
    /// What Bob has delivered is the log as the server holds it for his seat, up to where he is: every message,
    /// once, in order. (Presence messages of his own reconnection may be logged after he was asked.)
    /// </summary>
    private static void ShouldBeTheLog(long[] seen, long[] log) =>
        seen.ShouldBe(log.TakeWhile(seq => seq <= seen[^1]), "every message Bob may see, once, in order");

    private static Task<JsonElement> Js(IPage page, string script, object? arg = null) =>
        page.EvaluateAsync<JsonElement>(script, arg).DefaultTimeout();

    private static Task Run(IPage page, string script) => page.EvaluateAsync(script).DefaultTimeout();

    private static long[] Longs(JsonElement result, string name) =>
        [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetInt64())];

    private static string?[] Strings(JsonElement result, string name) =>
        [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetString())];
}

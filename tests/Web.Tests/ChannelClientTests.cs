using System.Text.Json;

namespace Web.Tests;

/// <summary>
/// channel.js against a fake server, for what the real one cannot be made to do on cue: answers that race live
/// messages, dropped connections mid-send, a reset log, refused tokens.
/// </summary>
public class ChannelClientTests(ChannelClientPage browser) : IClassFixture<ChannelClientPage>
{
    private const string Setup = """
        const { GameChannel } = await import('/js/channel.js');
        const { envelope, connection, invocation, hubError } = fakeHub;
        const channel = new GameChannel('AAAAAA', { minDelayMs: 20, maxDelayMs: 80 });
        const seen = [], states = [];
        channel.onMessage((m) => seen.push(m.seq));
        channel.onStatus((s) => states.push(s));
        const live = channel.connect('http://channels.test/channels?game=AAAAAA', 'token-1');
        """;

    [Fact]
    public async Task EachMessageIsDeliveredOnceInOrderWhenLiveMessagesOvertakeTheLastResumePage()
    {
        var result = await browser.RunAsync($$"""
            async () => {
              {{Setup}}
              const c = await connection(0);
              const first = await invocation(c, 'Resume');
              first.resolve({ latestSeq: 4, epoch: 'e1', messages: [envelope(1), envelope(2)], more: true });
              const last = await invocation(c, 'Resume');
              // The last page made the connection live on the server: newer messages can arrive before its answer.
              c.emit('message', envelope(5));
              c.emit('message', envelope(4));
              last.resolve({ latestSeq: 4, epoch: 'e1', messages: [envelope(3), envelope(4)], more: false });
              await live;
              c.emit('message', envelope(5)); // again
              c.emit('message', envelope(7)); // 6 was a direct message to another seat
              return { resumedAfter: [first.args[0], last.args[0]], seen, token: c.token,
                       stored: JSON.parse(localStorage.getItem('platform.game.AAAAAA')) };
            }
            """);

        Ints(result, "resumedAfter").ShouldBe([0, 2]);
        Ints(result, "seen").ShouldBe([1, 2, 3, 4, 5, 7]);
        result.GetProperty("token").GetString().ShouldBe("token-1");
        result.GetProperty("stored").GetProperty("lastSeq").GetInt32().ShouldBe(7);
        result.GetProperty("stored").GetProperty("epoch").GetString().ShouldBe("e1");
    }

    [Fact]
    public async Task AfterADropItResumesFromTheLastNumberAndResendsWithTheSameClientMsgId()
    {
        var result = await browser.RunAsync($$"""
            async () => {
              {{Setup}}
              const c0 = await connection(0);
              (await invocation(c0, 'Resume')).resolve({ latestSeq: 2, epoch: 'e1', messages: [envelope(1), envelope(2)], more: false });
              await live;
              const sent = channel.send('chat', { text: 'hi' });
              const firstTry = await invocation(c0, 'Send');
              c0.drop(new Error('WebSocket closed with status code: 1006 ().'));
              const c1 = await connection(1);
              const resume = await invocation(c1, 'Resume');
              resume.resolve({ latestSeq: 3, epoch: 'e1', messages: [envelope(3)], more: false });
              const retry = await invocation(c1, 'Send');
              retry.resolve(4);
              return { seq: await sent, resumedAfter: resume.args[0], first: JSON.stringify(firstTry.args[0]),
                       retry: JSON.stringify(retry.args[0]), seen,
                       states: states.map((s) => s.state) };
            }
            """);

        result.GetProperty("seq").GetInt32().ShouldBe(4);
        result.GetProperty("resumedAfter").GetInt32().ShouldBe(2);
        Ints(result, "seen").ShouldBe([1, 2, 3]);
        using var first = JsonDocument.Parse(result.GetProperty("first").GetString()!);
        first.RootElement.GetProperty("type").GetString().ShouldBe("chat");
        first.RootElement.GetProperty("clientMsgId").GetString().ShouldNotBeNullOrEmpty();
        result.GetProperty("retry").GetString().ShouldBe(result.GetProperty("first").GetString(), "the same message, clientMsgId and all");
        Strings(result, "states").ShouldBe(["connecting", "resuming", "live", "reconnecting", "connecting", "resuming", "live"]);
    }

    [Fact]
    public async Task ANewEpochDropsWhatWasDeliveredAndDeliversTheLogAgainFromTheStart()
    {
        var result = await browser.RunAsync($$"""
            async () => {
              {{Setup}}
              let resets = 0;
              channel.onReset(() => { resets++; seen.length = 0; });
              const c0 = await connection(0);
              (await invocation(c0, 'Resume')).resolve({ latestSeq: 3, epoch: 'e1', messages: [envelope(1), envelope(2), envelope(3)], more: false });
              await live;
              c0.drop();
              const c1 = await connection(1);
              const stale = await invocation(c1, 'Resume');
              stale.resolve({ latestSeq: 2, epoch: 'e2', messages: [], more: false });
              const fresh = await invocation(c1, 'Resume');
              fresh.resolve({ latestSeq: 2, epoch: 'e2', messages: [envelope(1), envelope(2)], more: false });
              await fakeHub.until(() => channel.isLive, 'live again');
              return { resets, resumedAfter: [stale.args[0], fresh.args[0]], seen };
            }
            """);

        result.GetProperty("resets").GetInt32().ShouldBe(1);
        Ints(result, "resumedAfter").ShouldBe([3, 0]);
        Ints(result, "seen").ShouldBe([1, 2]);
    }

    [Fact]
    public async Task ItComesBackAfterTheDelayTheServerAsksForAndBacksOffWhenItCannotConnect()
    {
        var result = await browser.RunAsync($$"""
            async () => {
              {{Setup}}
              const c0 = await connection(0);
              (await invocation(c0, 'Resume')).resolve({ latestSeq: 0, epoch: 'e1', messages: [], more: false });
              await live;
              const unreachable = () => new Error('Failed to complete negotiation with the server: TypeError: Failed to fetch');
              fakeHub.startErrors.push(unreachable(), unreachable(), unreachable(), unreachable(), unreachable());
              const dropped = performance.now();
              c0.emit('reconnect', { afterMs: 250 });
              c0.drop();
              await connection(1);
              const c6 = await connection(6);
              const waited = performance.now() - dropped;
              (await invocation(c6, 'Resume')).resolve({ latestSeq: 0, epoch: 'e1', messages: [], more: false });
              await fakeHub.until(() => channel.isLive, 'live again');
              return { waited, delays: states.filter((s) => s.state === 'reconnecting').map((s) => s.delayMs) };
            }
            """);

        var delays = Ints(result, "delays");
        delays.Length.ShouldBe(6);
        delays[0].ShouldBe(250, "the server's delay, not the backoff");
        // Then 20, 40, 80, 80, 80 ms ceilings (capped), each with jitter down to half.
        int[] ceilings = [20, 40, 80, 80, 80];
        for (var i = 0; i < ceilings.Length; i++)
        {
            delays[i + 1].ShouldBeInRange(ceilings[i] / 2, ceilings[i]);
        }
        result.GetProperty("waited").GetDouble().ShouldBeGreaterThanOrEqualTo(250 + 10 + 20 + 40 + 40 + 40 - 5);
    }

    [Fact]
    public async Task ARefusalRejectsTheSendWithItsCodeAndARefusedTokenIsRenewedOnce()
    {
        var result = await browser.RunAsync($$"""
            async () => {
              const { GameChannel } = await import('/js/channel.js');
              const { connection, invocation, hubError } = fakeHub;
              const channel = new GameChannel('AAAAAA', { minDelayMs: 20, maxDelayMs: 80 });
              const states = [];
              channel.onStatus((s) => states.push(s.state));
              fakeHub.startErrors.push(new Error("Failed to complete negotiation with the server: Error: {\"code\":\"unauthorized\"}: Status code '401'"));
              let renewals = 0;
              const live = channel.connect('http://channels.test/channels?game=AAAAAA', 'expired',
                { renewToken: async () => `fresh-${++renewals}` });
              const c1 = await connection(1);
              (await invocation(c1, 'Resume')).resolve({ latestSeq: 0, epoch: 'e1', messages: [], more: false });
              await live;
              const refused = channel.send('move', { cell: 4 }).catch((e) => ({ code: e.code, detail: e.detail }));
              (await invocation(c1, 'Send')).reject(hubError('Send', "rejected: it is seat 1's turn"));
              // A second refusal of the token, right after a renewal, is final.
              fakeHub.startErrors.push(new Error("Status code '401'"), new Error("Status code '401'"));
              c1.drop();
              await fakeHub.until(() => states.at(-1) === 'failed', 'failed');
              return { refusal: await refused, renewals, tokens: fakeHub.connections.map((c) => c.token ?? null), states };
            }
            """);

        result.GetProperty("refusal").GetProperty("code").GetString().ShouldBe("rejected");
        result.GetProperty("refusal").GetProperty("detail").GetString().ShouldBe("it is seat 1's turn");
        result.GetProperty("renewals").GetInt32().ShouldBe(2);
        Strings(result, "tokens").ShouldBe(["expired", "fresh-1", "fresh-1", "fresh-2"]);
        Strings(result, "states")[^1].ShouldBe("failed");
    }

    private static int[] Ints(JsonElement result, string name) =>
        [.. result.GetProperty(name).EnumerateArray().Select(e => (int)Math.Round(e.GetDouble()))];

    private static string?[] Strings(JsonElement result, string name) =>
        [.. result.GetProperty(name).EnumerateArray().Select(e => e.GetString())];
}

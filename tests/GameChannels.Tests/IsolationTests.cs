using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.SignalR;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>A server whose per-connection send queue is short and whose rate limits do not get in the way.</summary>
public sealed class ShortQueueServer : ChannelServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["PLATFORM_CHANNELS__SENDQUEUELENGTH"] = "8",
        ["PLATFORM_CHANNELS__MESSAGESPERSECONDPERCONNECTION"] = "10000",
        ["PLATFORM_CHANNELS__BURSTPERCONNECTION"] = "10000",
        ["PLATFORM_CHANNELS__MESSAGESPERSECONDPERGAME"] = "10000",
        ["PLATFORM_CHANNELS__BURSTPERGAME"] = "10000",
    };
}

/// <summary>One misbehaving client must not slow down or break other players or other games.</summary>
public class IsolationTests(ShortQueueServer server) : IClassFixture<ShortQueueServer>
{
    [Fact]
    public async Task AClientThatStopsReadingIsDroppedAndTheOthersCarryOn()
    {
        var game = await TestGames.CreateAsync(server.Database, 3);
        await using var sender = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var reader = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        // Seat 3 speaks the protocol by hand, goes live, and then never reads again.
        using var stalled = await ConnectStalledAsync(ChannelClient.ChannelUri(server.Address, game.GameId, game.Tokens[2]));
        await SendFrameAsync(stalled, """{"protocol":"json","version":1}""");
        await SendFrameAsync(stalled, """{"type":1,"invocationId":"1","target":"Resume","arguments":[0]}""");
        // Read until the Resume answer (a completion, type 3) has come: from then on it is live.
        await ReadRawUntilAsync(stalled, "\"type\":3");
        await reader.ReadUntilAsync(e => e.Type() == "player.connected" && e.GetProperty("body").GetProperty("seat").GetInt32() == 3);

        // The others keep receiving everything meanwhile.
        var last = await FloodUntilStalledDroppedAsync(text => sender.SendAsync("chat", new { text }), () => reader.Received);
        await reader.ReadUntilAsync(e => e.Seq() == last, TimeSpan.FromSeconds(60));
        // The drop is announced once the server has given up on the stalled socket (its close can take seconds).
        await StalledDroppedAsync(() => reader.Received);
        var after = await sender.SendAsync("chat", new { text = "still here" });
        (await reader.ReadUntilAsync(e => e.Seq() == after)).Last().Text().ShouldBe("still here");
        reader.Received.Chats().Select(e => e.Seq()).ShouldBeInOrder(SortDirection.Ascending);
        reader.Received.Chats().Count.ShouldBe(reader.Received.Chats().Select(e => e.Seq()).Distinct().Count());
    }

    [Fact]
    public async Task APlainWebSocketClientThatStopsReadingIsDroppedAndItsConnectionClosed()
    {
        var game = await TestGames.CreateAsync(server.Database, 3);
        await using var sender = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]);
        await using var reader = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]);
        // Seat 3 goes live on /ws by hand, and then never reads again.
        using var stalled = await ConnectStalledAsync(WsChannelClient.Uri(server.Address, game.GameId, game.Tokens[2]));
        await stalled.SendAsync("""{"op":"resume","id":"r1","afterSeq":0}"""u8.ToArray(), WebSocketMessageType.Text, true, default).DefaultTimeout();
        await ReadRawUntilAsync(stalled, "\"id\":\"r1\"");
        await reader.ReadUntilAsync(e => e.Type() == "player.connected" && e.GetProperty("body").GetProperty("seat").GetInt32() == 3);

        // The server drops it, and its writer, blocked in a send that will never finish, must not keep the
        // connection open.
        await FloodUntilStalledDroppedAsync(text => sender.SendAsync("chat", new { text }), () => reader.Received);
        await StalledDroppedAsync(() => reader.Received);
        var after = await sender.SendAsync("chat", new { text = "still here" });
        (await reader.ReadUntilAsync(e => e.Seq() == after)).Last().Text().ShouldBe("still here");

        // Its connection is gone: reading what was buffered ends in a close or a reset within a bounded time.
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ended = false;
        try
        {
            while (!ended)
            {
                ended = (await stalled.ReceiveAsync(buffer, deadline.Token)).MessageType == WebSocketMessageType.Close;
            }
        }
        catch (WebSocketException)
        {
            ended = true;
        }
        ended.ShouldBeTrue();
    }

    [Fact]
    public async Task AFloodingClientDoesNotRaiseTheLatencyOfAnotherGame()
    {
        var quiet = await TestGames.CreateAsync(server.Database, 2);
        await using var a = await ChannelClient.ConnectAsync(server.Address, quiet.GameId, quiet.Tokens[0]);
        await using var b = await ChannelClient.ConnectAsync(server.Address, quiet.GameId, quiet.Tokens[1]);
        var baseline = await MeasureAsync(a, b, 40);

        var loud = await TestGames.CreateAsync(server.Database, 2);
        await using var flooder = await ChannelClient.ConnectAsync(server.Address, loud.GameId, loud.Tokens[0]);
        await using var victim = await ChannelClient.ConnectAsync(server.Address, loud.GameId, loud.Tokens[1], resume: false);
        using var stop = new CancellationTokenSource();
        var flood = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var sent = 0;
            while (!stop.IsCancellationRequested && sent < 50_000)
            {
                try
                {
                    // Oversized and malformed messages between the floods of good ones.
                    if (sent++ % 10 == 0)
                    {
                        await flooder.SendRawAsync(new { clientMsgId = "x", type = "chat", colour = "red" });
                    }
                    await flooder.SendAsync("chat", new { text = "spam" });
                }
                catch (HubException)
                {
                    // refused (rate_limited, bad_request): expected
                }
                catch (Exception e) when (e is TaskCanceledException or InvalidOperationException)
                {
                    // Dropped for not reading its own echoes fast enough: also a right answer to a flood.
                    return;
                }
            }
        })));
        await Task.Delay(500);
        var during = await MeasureAsync(a, b, 40);
        await stop.CancelAsync();
        await flood.DefaultTimeout();

        // Generous bounds: this machine is shared; what must not happen is seconds of delay or a loss.
        during.P95.ShouldBeLessThan(TimeSpan.FromMilliseconds(Math.Max(250, baseline.P95.TotalMilliseconds * 10)),
            $"p95 {during.P95.TotalMilliseconds:0.0} ms during the flood, {baseline.P95.TotalMilliseconds:0.0} ms before");
    }

    private static async Task<(TimeSpan P95, TimeSpan Max)> MeasureAsync(ChannelClient a, ChannelClient b, int count)
    {
        var latencies = new List<TimeSpan>();
        for (var n = 0; n < count; n++)
        {
            var started = Stopwatch.GetTimestamp();
            var seq = await a.SendAsync("chat", new { text = $"ping {n}" });
            await b.ReadUntilAsync(e => e.Seq() == seq);
            latencies.Add(Stopwatch.GetElapsedTime(started));
            await Task.Delay(25);
        }
        latencies.Sort();
        return (latencies[(int)(count * 0.95) - 1], latencies[^1]);
    }

    /// <summary>Seat 3, the one that stopped reading, dropped for it.</summary>
    /// <summary>
    /// Waits for the stalled seat's drop to be announced; if it is not, says what the game saw of seat 3 and what
    /// the server warned of, so that a failure on a busy machine names its cause.
    /// </summary>
    private async Task StalledDroppedAsync(Func<IReadOnlyList<System.Text.Json.JsonElement>> received)
    {
        try
        {
            await Eventually.TrueAsync(() => received().Any(IsStalledDropped), TimeSpan.FromSeconds(60), "the stalled seat's drop to be announced");
        }
        catch (TimeoutException e)
        {
            var seat3 = received().Where(m => m.Type().StartsWith("player.", StringComparison.Ordinal)
                && m.GetProperty("body").TryGetProperty("seat", out var seat) && seat.GetInt32() == 3).Select(m => m.GetRawText());
            var warnings = server.Process.StandardOutput.Where(line => line.Contains("\"LogLevel\":\"Warning\"", StringComparison.Ordinal)
                || line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"EventId\":2313", StringComparison.Ordinal)).TakeLast(20);
            throw new TimeoutException($"{e.Message}; seat 3 in the log: {string.Join(" ", seat3)}; the server's warnings: {string.Join("\n", warnings)}");
        }
    }

    private static bool IsStalledDropped(System.Text.Json.JsonElement e) =>
        e.Type() == "player.disconnected" && e.GetProperty("body").GetProperty("seat").GetInt32() == 3
        && e.GetProperty("body").GetProperty("reason").GetString() == "send queue full";

    /// <summary>
    /// Opens the socket that will stop reading, with a small fixed receive buffer. The kernel would otherwise
    /// grow it (up to net.ipv4.tcp_rmem's maximum, 32 MB on some hosts), and a flood of 3,000 messages could
    /// fit in it without the server ever seeing a full queue.
    /// </summary>
    private static async Task<ClientWebSocket> ConnectStalledAsync(Uri uri)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancel) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp)
                {
                    ReceiveBufferSize = 16 * 1024,
                };
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, cancel);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var stalled = new ClientWebSocket();
        await stalled.ConnectAsync(uri, new HttpMessageInvoker(handler), default).DefaultTimeout();
        return stalled;
    }

    /// <summary>Reads a hand-driven socket until what it received contains <paramref name="marker"/>.</summary>
    private static async Task ReadRawUntilAsync(ClientWebSocket socket, string marker)
    {
        var buffer = new byte[64 * 1024];
        var received = new StringBuilder();
        while (!received.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var frame = await socket.ReceiveAsync(buffer, default).DefaultTimeout();
            received.Append(Encoding.UTF8.GetString(buffer, 0, frame.Count));
        }
    }

    /// <summary>
    /// Sends 12 KB messages: the stalled socket's buffers fill, then the short queue behind them, and the server
    /// drops it. Stops once the drop is seen (at most 3,000), so that a busy machine does not spend a minute
    /// moving messages the test no longer needs. Returns the last number sent.
    /// </summary>
    private static async Task<long> FloodUntilStalledDroppedAsync(Func<string, Task<long>> send, Func<IReadOnlyList<System.Text.Json.JsonElement>> received)
    {
        var text = new string('x', 12 * 1024);
        long last = 0;
        for (var n = 0; n < 3000 && (n % 50 != 0 || !received().Any(IsStalledDropped)); n++)
        {
            last = await send(text);
        }
        return last;
    }

    private static Task SendFrameAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + "\u001e"), WebSocketMessageType.Text, true, default).DefaultTimeout();
}

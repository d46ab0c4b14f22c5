using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>
/// /ws upgrades that arrive whole and plain are taken below HTTP; everything else goes through HTTP and gets
/// the same answers it always did. The tests speak HTTP over a bare TCP socket, to control how the request
/// arrives, and tell the two ways apart by the server's platform_channel_upgrades_total.
/// </summary>
public class DirectUpgradeTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Fact]
    public async Task AnUpgradeThatArrivesWholeIsTakenDirectlyAndOneInPiecesThroughHttpAndBothWork()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var request = Request(game.GameId, game.Tokens[0], out var key);

        var before = await UpgradesAsync();
        await using (var whole = await OpenAsync(request, pieces: 1))
        {
            whole.Status.ShouldBe(101);
            whole.Headers["sec-websocket-accept"].ShouldBe(Accept(key));
            await ShouldAnswerAsync(whole);
        }
        (await UpgradesAsync()).ShouldBe((before.Direct + 1, before.Http));

        // The second half comes after the server's first read: HTTP has to wait for it, and takes it.
        await using (var split = await OpenAsync(request, pieces: 2))
        {
            split.Status.ShouldBe(101);
            split.Headers["sec-websocket-accept"].ShouldBe(Accept(key));
            await ShouldAnswerAsync(split);
        }
        (await UpgradesAsync()).ShouldBe((before.Direct + 1, before.Http + 1));
    }

    [Fact]
    public async Task HeaderNamesInAnyCaseAndAConnectionListAreStillPlain()
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var request = Request(game.GameId, game.Tokens[1], out var key)
            .Replace("Connection: Upgrade", "connection: keep-alive, Upgrade", StringComparison.Ordinal)
            .Replace("Sec-WebSocket-Key", "sec-websocket-key", StringComparison.Ordinal)
            .Replace("Upgrade: websocket", "UPGRADE: WebSocket", StringComparison.Ordinal);

        var before = await UpgradesAsync();
        await using var upgraded = await OpenAsync(request, pieces: 1);
        upgraded.Status.ShouldBe(101);
        upgraded.Headers["sec-websocket-accept"].ShouldBe(Accept(key));
        await ShouldAnswerAsync(upgraded);
        (await UpgradesAsync()).ShouldBe((before.Direct + 1, before.Http));
    }

    public static TheoryData<string, string, string, string, int> Unusual => new()
    {
        // what, replace, with, a body after the head, the status HTTP answers
        { "a bad token", "access_token=", "access_token=k1.AAAA", "", 401 },
        { "no game", "game=", "gamex=", "", 401 },
        { "another WebSocket version", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8", "", 400 },
        { "a short key", "Sec-WebSocket-Key: ", "Sec-WebSocket-Key: AAAA", "", 400 },
        { "the key twice", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "", 400 },
        { "a folded header", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13\r\nX-Note: one\r\n two", "", 400 },
        { "a body", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13\r\nContent-Length: 2", "{}", 400 },
    };

    [Theory]
    [MemberData(nameof(Unusual))]
    public async Task AnythingElseIsLeftToHttpAndAnsweredAsBefore(string what, string replace, string with, string body, int status)
    {
        var game = await TestGames.CreateAsync(server.Database, 2);
        var request = Request(game.GameId, game.Tokens[0], out _);
        request.ShouldContain(replace, customMessage: what);
        request = ReplaceFirst(request, replace, with) + body;

        var before = await UpgradesAsync();
        await using var answered = await OpenAsync(request, pieces: 1);
        answered.Status.ShouldBe(status, what);
        (await UpgradesAsync()).Direct.ShouldBe(before.Direct, what);
    }

    [Fact]
    public async Task OtherRequestsOnTheSamePortAreUntouched()
    {
        await using var health = await OpenAsync("GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", pieces: 1);
        health.Status.ShouldBe(200);
        await using var plainGet = await OpenAsync("GET /ws?game=AAAAAA HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", pieces: 1);
        plainGet.Status.ShouldBe(401);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingIsClosedAfterTheKeepAliveTimeout()
    {
        await using var quiet = await SilentServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(quiet.Address.Host, quiet.Address.Port).DefaultTimeout();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // The server closes it: the read ends with nothing (or a reset), well before the test's own timeout.
        await Should.NotThrowAsync(async () =>
        {
            try
            {
                (await tcp.GetStream().ReadAsync(new byte[1]).AsTask().DefaultTimeout()).ShouldBe(0);
            }
            catch (IOException)
            {
            }
        });
        clock.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(1.5));
    }

    /// <summary>A server of its own, with a keep-alive timeout of 2 s.</summary>
    private sealed class SilentServer : ChannelServer, IAsyncDisposable
    {
        protected override Dictionary<string, string?> Settings => new() { ["PLATFORM_KESTREL__LIMITS__KEEPALIVETIMEOUT"] = "00:00:02" };

        public static async Task<SilentServer> StartAsync()
        {
            var server = new SilentServer();
            await server.InitializeAsync();
            return server;
        }

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }

    private string Request(string gameId, string token, out string key)
    {
        key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        return $"GET /ws?game={gameId}&access_token={Uri.EscapeDataString(token)} HTTP/1.1\r\n" +
            $"Host: {server.Address.Authority}\r\n" +
            "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }

    private static string Accept(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>Asks for the log's first page over the upgraded connection and expects the answer.</summary>
    private static async Task ShouldAnswerAsync(Answered upgraded)
    {
        using var socket = WebSocket.CreateFromStream(upgraded.Stream, new WebSocketCreationOptions { IsServer = false });
        await socket.SendAsync("{\"op\":\"resume\",\"afterSeq\":0,\"id\":\"r1\"}"u8.ToArray(), WebSocketMessageType.Text, true, default)
            .DefaultTimeout();
        var buffer = new byte[64 * 1024];
        for (var frames = 0; frames < 20; frames++)
        {
            var result = await socket.ReceiveAsync(buffer, default).DefaultTimeout();
            result.MessageType.ShouldBe(WebSocketMessageType.Text);
            foreach (var line in Encoding.UTF8.GetString(buffer, 0, result.Count).Split('\n'))
            {
                using var record = JsonDocument.Parse(line);
                if (record.RootElement.TryGetProperty("id", out var id) && id.GetString() == "r1")
                {
                    record.RootElement.GetProperty("result").GetProperty("messages").ValueKind.ShouldBe(JsonValueKind.Array);
                    return;
                }
            }
        }
        throw new ShouldAssertException("no answer to the resume in 20 frames");
    }

    /// <summary>Writes the request (in two pieces 200 ms apart if asked) and reads the response's head.</summary>
    private async Task<Answered> OpenAsync(string request, int pieces)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server.Address.Host, server.Address.Port).DefaultTimeout();
        var stream = tcp.GetStream();
        var bytes = Encoding.ASCII.GetBytes(request);
        var cut = pieces == 1 ? bytes.Length : bytes.Length / 2;
        await stream.WriteAsync(bytes.AsMemory(0, cut));
        if (cut < bytes.Length)
        {
            await Task.Delay(200);
            await stream.WriteAsync(bytes.AsMemory(cut));
        }

        // The head, one byte at a time so that nothing after it is taken from the stream.
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 16 * 1024 && !(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            (await stream.ReadAsync(one).AsTask().DefaultTimeout()).ShouldBe(1, "the server closed before answering");
            head.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString([.. head]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
        return new Answered(tcp, stream, status, headers);
    }

    private async Task<(long Direct, long Http)> UpgradesAsync()
    {
        var metrics = await ScrapedMetrics.ReadAsync(server.Address);
        return (metrics.Value("platform_channel_upgrades_total{via=\"direct\"}"), metrics.Value("platform_channel_upgrades_total{via=\"http\"}"));
    }

    private sealed record Answered(TcpClient Tcp, NetworkStream Stream, int Status, Dictionary<string, string> Headers) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            Tcp.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

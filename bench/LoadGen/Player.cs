using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// One player's channel connection, speaking either transport by hand exactly as docs/protocol.md describes
/// it: the plain WebSocket transport (newline-separated records) or SignalR's JSON hub protocol (handshake,
/// 0x1E-separated records). Resume until the last page, then send without asking for an answer (its own echo
/// is the acknowledgement). Checks every envelope: each other player's messages arrive once, in order.
/// </summary>
internal sealed class Player(Game game, int seat, string token, Stats stats, bool plain)
{
    private const byte RecordSeparator = 0x1E;
    private readonly ClientWebSocket _socket = new();
    private readonly TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    // Per sender seat: how many of its messages this player has received, and the next number it expects.
    private readonly long[] _receivedFrom = new long[game.Players + 1];
    private long _lastSeq;
    private long _sentCount;
    private Task _receiving = Task.CompletedTask;

    public int Seat => seat;

    public long AcknowledgedCount;

    public long ReceivedFrom(int sender) => Interlocked.Read(ref _receivedFrom[sender]);

    public Task Live => _live.Task;

    public async Task ConnectAsync(Uri channels, CancellationToken cancellationToken)
    {
        _socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var path = plain ? "ws" : "channels";
        var uri = new Uri($"ws://{channels.Host}:{channels.Port}/{path}?game={game.Id}&access_token={Uri.EscapeDataString(token)}");
        await _socket.ConnectAsync(uri, cancellationToken);
        if (!plain)
        {
            await SendRecordAsync("""{"protocol":"json","version":1}""", cancellationToken);
        }
        _receiving = ReceiveAsync();
        await SendRecordAsync(ResumeRecord(0), cancellationToken);
    }

    /// <summary>Sends messages at <paramref name="rate"/> a second, with jitter, until <paramref name="until"/>.</summary>
    public async Task SendLoopAsync(double rate, int size, long until, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1 / rate);
        var padding = new string('x', Math.Max(0, size - 60));
        await Task.Delay(interval * Random.Shared.NextDouble(), cancellationToken);
        while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
        {
            var n = ++_sentCount;
            // No id (invocationId): the server sends no answer; the echo is the acknowledgement.
            var message = "\"clientMsgId\":\"" + seat + "-" + n + "\",\"type\":\"m\",\"body\":{\"t\":" + Stopwatch.GetTimestamp()
                + ",\"p\":\"" + padding + "\"}";
            var record = plain
                ? "{\"op\":\"send\"," + message + "}"
                : "{\"type\":1,\"target\":\"Send\",\"arguments\":[{" + message + "}]}";
            try
            {
                await SendRecordAsync(record, cancellationToken);
                stats.CountSent();
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                stats.CountError();
                return;
            }
            await Task.Delay(interval * (0.5 + Random.Shared.NextDouble()), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task CloseAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            await _receiving.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or TimeoutException)
        {
        }
        _socket.Dispose();
    }

    private async Task SendRecordAsync(string json, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(plain ? json : json + "\u001e");
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveAsync()
    {
        // Small: ten thousand of these live at once, and the generator's pauses would count as latency.
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(2048), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                buffer.Advance(result.Count);
                if (plain && !result.EndOfMessage)
                {
                    continue;
                }
                var consumed = 0;
                var written = buffer.WrittenSpan;
                var separator = plain ? (byte)'\n' : RecordSeparator;
                int end;
                while ((end = written[consumed..].IndexOf(separator)) >= 0)
                {
                    Handle(written.Slice(consumed, end));
                    consumed += end + 1;
                }
                if (plain && consumed < written.Length)
                {
                    Handle(written[consumed..]); // a frame's last record has no newline after it
                    consumed = written.Length;
                }
                if (consumed > 0)
                {
                    var rest = written[consumed..].ToArray();
                    buffer.ResetWrittenCount();
                    buffer.Write(rest);
                }
            }
        }
        catch (WebSocketException)
        {
            stats.CountError();
        }
        _live.TrySetResult();
    }

    private string ResumeRecord(long after) => plain
        ? $$"""{"op":"resume","id":"r{{after}}","afterSeq":{{after}}}"""
        : $$"""{"type":1,"invocationId":"r{{after}}","target":"Resume","arguments":[{{after}}]}""";

    private void Handle(ReadOnlySpan<byte> record)
    {
        var now = Stopwatch.GetTimestamp();
        using var document = JsonDocument.Parse(record.ToArray());
        var root = document.RootElement;
        if (plain)
        {
            if (root.TryGetProperty("seq", out _))
            {
                Envelope(root, now);
            }
            else if (root.TryGetProperty("result", out var result))
            {
                Page(result);
            }
            else if (root.TryGetProperty("error", out var failure))
            {
                stats.CountError();
                Console.Error.WriteLine($"seat {seat} of {game.Id}: {failure.GetString()}");
            }
            return;
        }
        if (!root.TryGetProperty("type", out var type))
        {
            return; // the handshake answer
        }
        switch (type.GetInt32())
        {
            case 1 when root.GetProperty("target").GetString() == "message":
                Envelope(root.GetProperty("arguments")[0], now);
                break;
            case 3 when root.TryGetProperty("result", out var page):
                Page(page);
                break;
            case 3 when root.TryGetProperty("error", out var error):
                stats.CountError();
                Console.Error.WriteLine($"seat {seat} of {game.Id}: {error.GetString()}");
                break;
            case 7:
                stats.CountError();
                break;
        }
    }

    private void Page(JsonElement page)
    {
        foreach (var message in page.GetProperty("messages").EnumerateArray())
        {
            _lastSeq = Math.Max(_lastSeq, message.GetProperty("seq").GetInt64());
        }
        if (page.GetProperty("more").GetBoolean())
        {
            _ = SendRecordAsync(ResumeRecord(_lastSeq), CancellationToken.None);
        }
        else
        {
            _live.TrySetResult();
        }
    }

    private void Envelope(JsonElement envelope, long now)
    {
        var seq = envelope.GetProperty("seq").GetInt64();
        if (seq <= _lastSeq)
        {
            stats.CountOutOfOrder();
            return;
        }
        _lastSeq = seq;
        if (envelope.GetProperty("type").GetString() != "m" || envelope.GetProperty("from").ValueKind != JsonValueKind.Number)
        {
            return;
        }
        var from = envelope.GetProperty("from").GetInt32();
        if (from == seat)
        {
            Interlocked.Increment(ref AcknowledgedCount);
            stats.CountAcknowledged();
            return;
        }
        // Each sender's messages are appended in the order it sent them: number n must follow n - 1.
        var id = envelope.GetProperty("clientMsgId").GetString()!;
        var n = long.Parse(id.AsSpan(id.IndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture);
        var expected = _receivedFrom[from] + 1;
        if (n < expected)
        {
            stats.CountDuplicate();
            return;
        }
        Interlocked.Increment(ref _receivedFrom[from]);
        if (stats.Recording)
        {
            var sentAt = envelope.GetProperty("body").GetProperty("t").GetInt64();
            stats.Delivered(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
        }
    }
}

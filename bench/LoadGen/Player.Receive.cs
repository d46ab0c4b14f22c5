using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// Receiving and checking. Envelopes that arrive while the connection is still resuming are held and applied
/// after the last page (docs/protocol.md section 7); a number at or below the last one applied is out of
/// order; each sender's messages carry their own count (clientMsgId "seat-n"), which must only go up.
/// </summary>
internal sealed partial class Player
{
    private readonly List<(Envelope Envelope, long At)> _held = [];
    // Per sender seat: the last count n received, and how many of its messages were received.
    private readonly long[] _lastFrom = new long[game.Players + 1];
    private readonly long[] _receivedFrom = new long[game.Players + 1];
    private long _lastSeq;
    private bool _resuming;

    /// <summary>This player's own messages seen back (live or in a page): logged.</summary>
    public long AcknowledgedCount;

    public long ReceivedFrom(int sender) => Interlocked.Read(ref _receivedFrom[sender]);

    /// <summary>Sent, but not seen back (yet).</summary>
    public long Unacknowledged => Math.Max(0, Interlocked.Read(ref _sentCount) - Interlocked.Read(ref AcknowledgedCount));

    private long LastFrom(int sender) => Interlocked.Read(ref _lastFrom[sender]);

    private async Task ReceiveAsync(WebSocket socket, TaskCompletionSource live)
    {
        // Small: ten thousand of these live at once, and the generator's pauses would count as latency.
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(2048), CancellationToken.None);
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
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_closing)
            {
                stats.CountError();
            }
        }
        live.TrySetResult();
    }

    private void Handle(ReadOnlySpan<byte> record)
    {
        var now = Stopwatch.GetTimestamp();
        if (plain && record.StartsWith("{\"seq\":"u8))
        {
            // The server writes every envelope from its stored form, number first: the common case, read
            // without a document.
            Arrived(Envelope.Parse(record), now);
            return;
        }
        using var document = JsonDocument.Parse(record.ToArray());
        var root = document.RootElement;
        if (plain)
        {
            if (root.TryGetProperty("id", out var id))
            {
                Answer(id.GetString(), root);
            }
            else if (root.TryGetProperty("page", out var page))
            {
                Page(page, now); // sent unasked, for the URL's ?after=
            }
            else if (root.TryGetProperty("seq", out _))
            {
                Arrived(Envelope.Parse(JsonMarshal.GetRawUtf8Value(root)), now);
            }
            else if (root.TryGetProperty("error", out var failure))
            {
                Failed(failure.GetString());
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
                Arrived(Envelope.Parse(JsonMarshal.GetRawUtf8Value(root.GetProperty("arguments")[0])), now);
                break;
            case 1 when root.GetProperty("target").GetString() == "page":
                Page(root.GetProperty("arguments")[0], now);
                break;
            case 3:
                Answer(root.GetProperty("invocationId").GetString(), root);
                break;
            case 7:
                Failed(root.TryGetProperty("error", out var error) ? error.GetString() : "closed by the server");
                break;
        }
    }

    /// <summary>The answer to a request of ours: resumes start with "r", the host's end is "e1".</summary>
    private void Answer(string? id, JsonElement answer)
    {
        if (answer.TryGetProperty("error", out var error))
        {
            Failed(error.GetString());
        }
        else if (id is ['r', ..])
        {
            Page(answer.GetProperty("result"), Stopwatch.GetTimestamp());
        }
        if (id == "e1")
        {
            _ended.TrySetResult(); // answered, with the number or an error (counted)
        }
    }

    private void Failed(string? error)
    {
        stats.CountError();
        Console.Error.WriteLine($"seat {seat} of {game.Id}: {error}");
    }

    private void Page(JsonElement page, long now)
    {
        foreach (var message in page.GetProperty("messages").EnumerateArray())
        {
            Apply(Envelope.Parse(JsonMarshal.GetRawUtf8Value(message)), now, live: false);
        }
        if (page.GetProperty("more").GetBoolean())
        {
            if (byUrl)
            {
                return; // the server sends the next page on its own
            }
            _ = SendRecordAsync(ResumeRecord(_lastSeq), CancellationToken.None).ContinueWith(
                _ => stats.CountError(), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return;
        }
        _resuming = false;
        // The resume ends as the last page arrives, not when a continuation gets round to noticing it.
        _liveAt = now;
        foreach (var (envelope, at) in _held)
        {
            Apply(envelope, at, live: true);
        }
        _held.Clear();
        _live.TrySetResult();
    }

    private void Arrived(Envelope envelope, long now)
    {
        if (_resuming)
        {
            _held.Add((envelope, now));
        }
        else
        {
            Apply(envelope, now, live: true);
        }
    }

    /// <summary>Checks one envelope; a live one from another player is timed from its sending.</summary>
    private void Apply(Envelope envelope, long now, bool live)
    {
        if (envelope.Seq <= _lastSeq)
        {
            stats.CountOutOfOrder();
            return;
        }
        _lastSeq = envelope.Seq;
        if (!envelope.IsMessage || envelope.From == 0)
        {
            return;
        }
        var from = envelope.From;
        // Each sender's messages are logged in the order it sent them: its count n only goes up.
        if (envelope.Count <= _lastFrom[from])
        {
            stats.CountDuplicate();
            return;
        }
        Interlocked.Exchange(ref _lastFrom[from], envelope.Count);
        if (from == seat)
        {
            Interlocked.Increment(ref AcknowledgedCount);
            stats.CountAcknowledged();
            return;
        }
        Interlocked.Increment(ref _receivedFrom[from]);
        if (stats.Recording)
        {
            // A message that waited in the log while this player was away is counted, but not timed.
            stats.Delivered(live ? Stopwatch.GetElapsedTime(envelope.SentAt, now).TotalMilliseconds : null);
        }
    }
}

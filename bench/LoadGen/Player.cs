using System.Diagnostics;
using System.Net.WebSockets;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace LoadGen;

/// <summary>
/// One player's channel connection, speaking either transport by hand exactly as docs/protocol.md describes
/// it: the plain WebSocket transport (newline-separated records) or SignalR's JSON hub protocol (handshake,
/// 0x1E-separated records). Resume until the last page, then send without asking for an answer (its own echo
/// is the acknowledgement). With <paramref name="byUrl"/> the channel URL carries ?after=, and the server sends
/// the pages unasked; otherwise a resume request asks for each. The resume scenario drops the connection and
/// comes back as section 10 says: resume from the last number seen, then resend what was not acknowledged, with
/// the same ids (the server dedups).
/// Player.Receive.cs checks every envelope: each other player's messages arrive once, in order.
/// </summary>
internal sealed partial class Player(Game game, int seat, Uri address, Stats stats, bool plain, bool byUrl)
{
    private const byte RecordSeparator = 0x1E;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set by ConnectAsync, before anything else uses it.
    private WebSocket _socket = null!;
    private TaskCompletionSource _live = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _liveAt;
    // When the WebSocket upgrade was answered: a resume's time splits there into connecting and paging.
    private long _connectedAt;
    private Task _receiving = Task.CompletedTask;
    // Under _sendLock: false while the connection is dropped, when the send loop skips its turns.
    private bool _sending = true;
    // Set while this side closes the connection on purpose: the receive loop's end is then no error.
    private volatile bool _closing;
    private long _sentCount;
    private string _padding = "";
    // Under _sendLock: the record being sent, written in place rather than built as a string each time.
    private byte[] _record = [];

    public int Seat => seat;

    public Task Live => _live.Task;

    /// <summary>Connects and asks for the log after the last number seen; <see cref="Live"/> completes with the last page.</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        _live = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _resuming = true;
        _held.Clear();
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connecting.CancelAfter(TimeSpan.FromSeconds(30));
            _socket = await Upgrade.ConnectAsync(byUrl ? new Uri($"{address.AbsoluteUri}&after={_lastSeq}") : address, connecting.Token);
        }
        _connectedAt = Stopwatch.GetTimestamp();
        if (!plain)
        {
            await SendRecordAsync("""{"protocol":"json","version":1}""", cancellationToken);
        }
        _receiving = ReceiveAsync(_socket, _live);
        if (!byUrl)
        {
            await SendRecordAsync(ResumeRecord(_lastSeq), cancellationToken);
        }
    }

    private volatile bool _sendFailed;

    /// <summary>Set when a send failed (not dropped on purpose): the player has no more turns.</summary>
    public bool SendFailed => _sendFailed;

    /// <summary>Readies the messages' padding and buffer for messages of <paramref name="size"/> bytes.</summary>
    public void PrepareSending(int size)
    {
        _padding = new string('x', Math.Max(0, size - 60));
        _record = new byte[_padding.Length + 256];
    }

    /// <summary>
    /// Closes the connection abruptly, waits <paramref name="pause"/>, reconnects and resumes, then resends the
    /// messages it has not seen come back. Records the time from the reconnect's start to live.
    /// </summary>
    public async Task DropAndReconnectAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            _sending = false;
            _closing = true;
            _socket.Abort();
        }
        finally
        {
            _sendLock.Release();
        }
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        _closing = false;
        await Task.Delay(pause, cancellationToken);

        var started = Stopwatch.GetTimestamp();
        try
        {
            await ConnectAsync(cancellationToken);
            await Live.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (_resuming)
            {
                throw new WebSocketException("the connection closed before its last page");
            }
            stats.Resumed(Stopwatch.GetElapsedTime(started, _liveAt).TotalMilliseconds,
                Stopwatch.GetElapsedTime(started, _connectedAt).TotalMilliseconds, Stopwatch.GetElapsedTime(_connectedAt, _liveAt).TotalMilliseconds);

            await _sendLock.WaitAsync(cancellationToken);
            try
            {
                // Sent but not seen back: maybe logged, maybe not. The same id again is safe either way.
                for (var n = LastFrom(seat) + 1; n <= _sentCount; n++)
                {
                    await _socket.SendAsync(MessageRecord(n), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }
                _sending = true;
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException)
        {
            stats.ResumeFailed();
            Console.Error.WriteLine($"seat {seat} of {game.Id}: reconnecting failed: {e.Message}");
        }
    }

    /// <summary>The host ends the game (churn scenario) and waits for the answer.</summary>
    public async Task EndAsync(CancellationToken cancellationToken)
    {
        await SendRecordAsync(plain ? """{"op":"end","id":"e1"}""" : """{"type":1,"invocationId":"e1","target":"EndGame","arguments":[]}""", cancellationToken);
        await _ended.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
    }

    public async Task CloseAsync()
    {
        _closing = true;
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

    /// <summary>Numbers and sends the next message, at one of its turns (<see cref="Pacer"/>).</summary>
    public async Task SendNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _sendLock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            if (!_sending || SendFailed)
            {
                return; // dropped: this turn is skipped
            }
            var n = ++_sentCount;
            stats.CountSent();
            await _socket.SendAsync(MessageRecord(n), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _sendFailed = true;
            stats.CountError();
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// Message <paramref name="n"/> of this player, written into <c>_record</c> (the caller holds _sendLock): its
    /// id says whose and which, its body when it was sent.
    /// </summary>
    private ReadOnlyMemory<byte> MessageRecord(long n)
    {
        // No id (invocationId): the server sends no answer; the echo is the acknowledgement. The message is the
        // same on both transports; only what wraps it differs.
        var open = plain ? "{\"op\":\"send\","u8 : "{\"type\":1,\"target\":\"Send\",\"arguments\":[{"u8;
        var close = plain ? "}"u8 : "}]}\u001e"u8;
        var record = _record.AsSpan();
        open.CopyTo(record);
        if (!Utf8.TryWrite(record[open.Length..], CultureInfo.InvariantCulture,
                $"\"clientMsgId\":\"{seat}-{n}\",\"type\":\"m\",\"body\":{{\"t\":{Stopwatch.GetTimestamp()},\"p\":\"{_padding}\"}}", out var length)
            || !close.TryCopyTo(record[(open.Length + length)..]))
        {
            throw new InvalidOperationException("the message record outgrew its buffer");
        }
        return _record.AsMemory(0, open.Length + length + close.Length);
    }

    private string ResumeRecord(long after) => plain
        ? $$"""{"op":"resume","id":"r{{after}}","afterSeq":{{after}}}"""
        : $$"""{"type":1,"invocationId":"r{{after}}","target":"Resume","arguments":[{{after}}]}""";

    private async Task SendRecordAsync(string record, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            await SendRawAsync(record, cancellationToken);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Writes one record; the caller holds _sendLock.</summary>
    private async Task SendRawAsync(string record, CancellationToken cancellationToken) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(plain ? record : record + "\u001e"), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
}

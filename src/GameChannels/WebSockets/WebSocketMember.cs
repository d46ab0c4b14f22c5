using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using GameChannels.Core;
using Platform.Games;

namespace GameChannels.WebSockets;

/// <summary>
/// A plain WebSocket connection as a game member. The writer takes everything queued for the connection at
/// once and writes it as one frame (records separated by newlines), so a busy connection costs one write per
/// batch rather than one per message; each envelope's bytes are the same array for every receiver.
/// </summary>
internal sealed class WebSocketMember : IMember, IAsyncDisposable
{
    private const int MaxFrameBytes = 64 * 1024;
    private readonly Channel<object> _queue;
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Task _writer;

    public WebSocketMember(WebSocket socket, string connectionId, JoinToken player, TokenBucket limiter, int queueLength)
    {
        _socket = socket;
        ConnectionId = connectionId;
        Player = player;
        Limiter = limiter;
        _queue = Channel.CreateBounded<object>(new BoundedChannelOptions(queueLength)
        {
            SingleReader = true,
            // Full means "this client cannot keep up": TryWrite says so and the room drops the connection.
            FullMode = BoundedChannelFullMode.Wait,
        });
        _writer = Task.Run(WriteAsync);
    }

    public string ConnectionId { get; }

    public JoinToken Player { get; }

    public TokenBucket Limiter { get; }

    public string? DropReason { get; private set; }

    public CancellationToken Aborted => _aborted.Token;

    public bool TryDeliver(RawJson envelope) => _queue.Writer.TryWrite(envelope);

    /// <summary>A reply to one of the client's requests, in order with the messages.</summary>
    public bool TryReply(byte[] record) => _queue.Writer.TryWrite(new RawJson(record));

    public Task Reconnect(int afterMs)
    {
        DropReason ??= "server restarting";
        _queue.Writer.TryWrite(new Reconnect(afterMs));
        _queue.Writer.TryComplete();
        return _writer;
    }

    public void Drop(string reason)
    {
        DropReason ??= reason;
        _queue.Writer.TryComplete();
        _aborted.Cancel();
        _socket.Abort();
    }

    private async Task WriteAsync()
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_aborted.Token))
            {
                frame.ResetWrittenCount();
                var closing = false;
                while (frame.WrittenCount < MaxFrameBytes && _queue.Reader.TryRead(out var item))
                {
                    if (frame.WrittenCount > 0)
                    {
                        frame.Write("\n"u8);
                    }
                    if (item is Reconnect reconnect)
                    {
                        frame.Write(Encoding.UTF8.GetBytes($"{{\"reconnect\":{{\"afterMs\":{reconnect.AfterMs}}}}}"));
                        closing = true;
                        break;
                    }
                    frame.Write(((RawJson)item).Utf8.Span);
                }
                await _socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, _aborted.Token);
                if (closing)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server restarting", _aborted.Token);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _aborted.Dispose();
    }
}

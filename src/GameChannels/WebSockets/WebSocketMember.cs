using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using GameChannels.Core;
using Platform.Games;

namespace GameChannels.WebSockets;

/// <summary>
/// A plain WebSocket connection as a game member. The writer takes everything queued for the connection at
/// once and writes it as one frame (records separated by newlines), so a busy connection costs one write per
/// batch rather than one per message; each envelope's bytes are the same array for every receiver.
/// </summary>
internal sealed class WebSocketMember : QueuedMember
{
    private const int MaxFrameBytes = 64 * 1024;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _aborted = new();

    public WebSocketMember(WebSocket socket, string connectionId, JoinToken player, TokenBucket limiter, int queueLength)
        : base(connectionId, player, limiter, queueLength)
    {
        _socket = socket;
        StartWriting();
    }

    public CancellationToken Aborted => _aborted.Token;

    /// <summary>A reply to one of the client's requests, in order with the messages.</summary>
    public bool TryReply(byte[] record) => Queue.Writer.TryWrite(new RawJson(record));

    protected override void Abort()
    {
        _aborted.Cancel();
        _socket.Abort();
    }

    protected override async Task WriteAsync()
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await Queue.Reader.WaitToReadAsync(_aborted.Token))
            {
                frame.ResetWrittenCount();
                var closing = false;
                while (frame.WrittenCount < MaxFrameBytes && Queue.Reader.TryRead(out var item))
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
                    // A client that never answers the close must not keep the stopping server waiting.
                    _aborted.CancelAfter(CloseWait);
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _aborted.Dispose();
    }
}

using System.Buffers;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace BareRelay;

/// <summary>
/// One client's socket for writing: a bounded queue and one loop that takes everything queued at once and
/// writes it as one text frame, records separated by newlines (as GameChannels' WebSocketMember does).
/// </summary>
internal sealed class Connection
{
    private const int QueueLength = 512; // GameChannels' default Channels:SendQueueLength
    private const int MaxFrameBytes = 64 * 1024;
    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _queue = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueLength)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // never waited on: TryWrite reports full
    });

    public Connection(WebSocket socket)
    {
        _socket = socket;
        Writing = Task.Run(WriteAsync);
    }

    public Task Writing { get; }

    public bool TryQueue(byte[] record) => _queue.Writer.TryWrite(record);

    /// <summary>Writes what is queued, then stops.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    public void Abort()
    {
        _queue.Writer.TryComplete();
        _socket.Abort();
    }

    private async Task WriteAsync()
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                frame.ResetWrittenCount();
                while (frame.WrittenCount < MaxFrameBytes && _queue.Reader.TryRead(out var record))
                {
                    if (frame.WrittenCount > 0)
                    {
                        frame.Write("\n"u8);
                    }
                    frame.Write(record);
                }
                await _socket.SendAsync(frame.WrittenMemory, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The connection went away.
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace GameChannels.WebSockets;

/// <summary>
/// A connection's transport pipes as the stream a <see cref="System.Net.WebSockets.WebSocket"/> is made from.
/// Asynchronous only, as the WebSocket uses it. A read of zero bytes waits for data without taking any, so that
/// an idle connection holds no buffer.
/// </summary>
internal sealed class DuplexPipeStream(IDuplexPipe transport) : Stream
{
    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    // A read waits whenever the connection is idle, and a waiting async method would allocate its state each time
    // (a twentieth of what GameChannels allocated in the resume scenario): the pooling builder reuses it.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        var result = await transport.Input.ReadAsync(cancellationToken);
        var buffer = result.Buffer;
        var count = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, count).CopyTo(destination.Span);
        // A zero-byte read over data examines nothing, so the read that follows finds the data at once.
        transport.Input.AdvanceTo(buffer.GetPosition(count), count == 0 && !buffer.IsEmpty ? buffer.Start : buffer.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default) =>
        await transport.Output.WriteAsync(source, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => transport.Output.FlushAsync(cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw Synchronous();

    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous();

    public override void Flush()
    {
        // Every write is flushed as it is made.
    }

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Ends the connection: the transport closes the socket once both sides are complete.
            transport.Input.Complete();
            transport.Output.Complete();
        }
        base.Dispose(disposing);
    }

    private static NotSupportedException Synchronous() => new("this stream is asynchronous only");
}

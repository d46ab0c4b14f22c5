using System.Threading.Channels;
using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// What every transport's member shares: a bounded queue per connection, written out by one loop of the
/// transport's own. A full queue means the client cannot keep up: TryDeliver says so and the room drops it.
/// </summary>
public abstract class QueuedMember : IMember, IAsyncDisposable
{
    private Task _writer = Task.CompletedTask;

    protected QueuedMember(string connectionId, JoinToken player, TokenBucket limiter, int queueLength)
    {
        ConnectionId = connectionId;
        Player = player;
        Limiter = limiter;
        Queue = Channel.CreateBounded<RawJson>(new BoundedChannelOptions(queueLength)
        {
            SingleReader = true,
            // The writer loop runs on the thread pool, not on the thread that queued, so that a busy connection's
            // waiting envelopes go out as one frame and one send (docs/benchmark.md).
            AllowSynchronousContinuations = false,
            FullMode = BoundedChannelFullMode.Wait, // never waited on: TryWrite reports full
        });
    }

    public string ConnectionId { get; }

    public JoinToken Player { get; }

    public TokenBucket Limiter { get; }

    /// <summary>Why the server ended the connection, if it did.</summary>
    public string? DropReason { get; private set; }

    /// <summary>What to write, in order; once it is completed and drained, <see cref="ReconnectRequest"/> if any.</summary>
    protected Channel<RawJson> Queue { get; }

    /// <summary>How long a client told to come back has to close before the server cuts the connection.</summary>
    protected static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    /// <summary>Set when the server asks the client to come back: written after everything queued, then the connection closes.</summary>
    protected Reconnect? ReconnectRequest { get; private set; }

    public bool TryDeliver(RawJson envelope) => Queue.Writer.TryWrite(envelope);

    public abstract Task SendPageAsync(LogPage page);

    public Task Reconnect(int afterMs)
    {
        DropReason ??= "server restarting";
        ReconnectRequest ??= new Reconnect(afterMs);
        Queue.Writer.TryComplete();
        return _writer;
    }

    public void Drop(string reason)
    {
        DropReason ??= reason;
        Queue.Writer.TryComplete();
        Abort();
    }

    /// <summary>Starts the loop that writes the queue out; called once the transport is ready.</summary>
    protected void StartWriting() => _writer = Task.Run(WriteAsync);

    protected abstract Task WriteAsync();

    /// <summary>Closes the connection at once.</summary>
    protected abstract void Abort();

    public virtual async ValueTask DisposeAsync()
    {
        Queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        GC.SuppressFinalize(this);
    }
}

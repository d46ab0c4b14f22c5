using System.Threading.Channels;
using GameChannels.Core;
using Microsoft.AspNetCore.SignalR;
using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>
/// A SignalR connection as a game member. Deliveries go into a bounded queue that one loop writes out in
/// order, so a slow client only ever fills its own queue; when it is full the room drops the client.
/// </summary>
internal sealed class SignalRMember : IMember, IAsyncDisposable
{
    private readonly Channel<object> _queue;
    private readonly HubCallerContext _context;
    private readonly ISingleClientProxy _client;
    private readonly Task _writer;

    public SignalRMember(HubCallerContext context, ISingleClientProxy client, JoinToken player, TokenBucket limiter, int queueLength)
    {
        _context = context;
        _client = client;
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

    public string ConnectionId => _context.ConnectionId;

    public JoinToken Player { get; }

    public TokenBucket Limiter { get; }

    /// <summary>Why the server ended the connection, if it did.</summary>
    public string? DropReason { get; private set; }

    public bool TryDeliver(RawJson envelope) => _queue.Writer.TryWrite(envelope);

    public Task Reconnect(int afterMs)
    {
        DropReason ??= "server restarting";
        // Written after everything already queued.
        _queue.Writer.TryWrite(new Reconnect(afterMs));
        _queue.Writer.TryComplete();
        return _writer;
    }

    public void Drop(string reason)
    {
        DropReason ??= reason;
        _queue.Writer.TryComplete();
        _context.Abort();
    }

    private async Task WriteAsync()
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(_context.ConnectionAborted))
            {
                if (item is Reconnect reconnect)
                {
                    // SignalR closes the connection itself as the server stops.
                    await _client.SendAsync("reconnect", reconnect, _context.ConnectionAborted);
                    return;
                }
                await _client.SendAsync("message", (RawJson)item, _context.ConnectionAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

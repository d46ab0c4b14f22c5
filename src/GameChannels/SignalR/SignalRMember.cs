using GameChannels.Core;
using Microsoft.AspNetCore.SignalR;
using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>A SignalR connection as a game member: one "message" invocation per envelope, in queue order.</summary>
internal sealed class SignalRMember : QueuedMember
{
    private readonly HubCallerContext _context;
    private readonly ISingleClientProxy _client;

    public SignalRMember(HubCallerContext context, ISingleClientProxy client, JoinToken player, TokenBucket limiter, int queueLength)
        : base(context.ConnectionId, player, limiter, queueLength)
    {
        _context = context;
        _client = client;
        StartWriting();
    }

    protected override void Abort() => _context.Abort();

    /// <summary>A page the client did not ask for, as a "page" event; the live messages that follow may pass it.</summary>
    public override Task SendPageAsync(LogPage page) => _client.SendAsync("page", page, _context.ConnectionAborted);

    protected override async Task WriteAsync()
    {
        try
        {
            await foreach (var envelope in Queue.Reader.ReadAllAsync(_context.ConnectionAborted))
            {
                await _client.SendAsync("message", envelope, _context.ConnectionAborted);
            }
            if (ReconnectRequest is { } reconnect)
            {
                await _client.SendAsync("reconnect", reconnect, _context.ConnectionAborted);
                // SignalR closes its connections as the server starts stopping; one that joined just after is
                // closed here, once the client has had time to read the request and go.
                _ = AbortAfterCloseWaitAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }

    private async Task AbortAfterCloseWaitAsync()
    {
        await Task.Delay(CloseWait, _context.ConnectionAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _context.Abort();
    }
}

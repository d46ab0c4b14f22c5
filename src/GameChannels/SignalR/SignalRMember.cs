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
                // SignalR closes the connection itself as the server stops.
                await _client.SendAsync("reconnect", reconnect, _context.ConnectionAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }
}

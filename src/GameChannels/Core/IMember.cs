using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// One open connection of one player, as the core sees it: the transport (SignalR today) implements it. Deliver
/// must not block: it queues, and returns false when the connection's send queue is full.
/// </summary>
public interface IMember
{
    string ConnectionId { get; }

    JoinToken Player { get; }

    TokenBucket Limiter { get; }

    bool TryDeliver(RawJson envelope);

    /// <summary>
    /// Asks the client to come back after a delay (the server is going away), then closes. Completes when the
    /// request has been written (or the connection has ended).
    /// </summary>
    Task Reconnect(int afterMs);

    /// <summary>Closes the connection; the client may resume.</summary>
    void Drop(string reason);
}

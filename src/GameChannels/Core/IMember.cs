using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// One open connection of one player, as the core sees it: each transport implements it. Deliver
/// must not block: it queues, and returns false when the connection's send queue is full.
/// </summary>
public interface IMember
{
    string ConnectionId { get; }

    JoinToken Player { get; }

    TokenBucket Limiter { get; }

    bool TryDeliver(RawJson envelope);

    /// <summary>
    /// Writes a resume page the client did not ask for (it connected with ?after=), after the pages before it.
    /// A connection that cannot take it is dropped, as for a message.
    /// </summary>
    Task SendPageAsync(LogPage page);

    /// <summary>
    /// Asks the client to come back after a delay (the server is going away), then closes. Completes when the
    /// request has been written (or the connection has ended).
    /// </summary>
    Task Reconnect(int afterMs);

    /// <summary>Closes the connection; the client may resume.</summary>
    void Drop(string reason);
}

using Platform.Games;
using StackExchange.Redis;

namespace GameChannels.Core;

/// <summary>
/// What a client is told when a request or a connection fails, for both transports: the core's refusals as
/// "code: detail", a Redis outage as unavailable, each counted by code. Any other exception is the server's own
/// fault: the transport reports it as one, and it is logged as an error here.
/// </summary>
public sealed class ChannelErrors(ChannelMetrics metrics, ILogger<ChannelErrors> logger)
{
    /// <summary>The request name a refused connection is reported under.</summary>
    public const string Connect = "connect";

    /// <summary>
    /// The "code: detail" for a failed <paramref name="request"/> (a method, or <see cref="Connect"/>); null for
    /// an exception that is not a refusal.
    /// </summary>
    public string? Refusal(Exception error, string request)
    {
        switch (error)
        {
            case ChannelException refusal:
                metrics.Refused(refusal.Code);
                logger.Refused(request, refusal.Message);
                return refusal.Message;
            case RedisException or TimeoutException:
                metrics.Refused(ErrorCodes.Unavailable);
                logger.StoreUnavailable(request, error.Message);
                return request == Connect
                    ? $"{ErrorCodes.Unavailable}: the game log cannot be reached right now; reconnect shortly"
                    : $"{ErrorCodes.Unavailable}: the game log cannot be reached right now; retry (a send with the same clientMsgId)";
            default:
                return null;
        }
    }

    /// <summary>The answer to a request the server failed on by its own fault; logged with its exception.</summary>
    /// <summary>What the client is told of any failure of <paramref name="request"/>: its refusal, or the server's own fault.</summary>
    public string Describe(Exception error, string request) => Refusal(error, request) ?? Internal(error, request);

    public string Internal(Exception error, string request)
    {
        metrics.Refused(ErrorCodes.Internal);
        logger.Failed(request, error);
        return $"{ErrorCodes.Internal}: the server failed on this request; it is logged";
    }
}

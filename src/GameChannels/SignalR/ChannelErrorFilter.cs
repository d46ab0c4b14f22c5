using GameChannels.Core;
using Microsoft.AspNetCore.SignalR;
using StackExchange.Redis;

namespace GameChannels.SignalR;

/// <summary>
/// Turns the core's refusals into errors the caller sees as "code: detail", counts them, and answers a Redis
/// outage with "unavailable" rather than a bare failure. Nothing else leaks to the client.
/// </summary>
internal sealed partial class ChannelErrorFilter(ChannelMetrics metrics, ILogger<ChannelErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (ChannelException e)
        {
            metrics.Refused(e.Code);
            throw new HubException(e.Message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            metrics.Refused("unavailable");
            LogStoreUnavailable(invocationContext.HubMethodName, e.Message);
            throw new HubException("unavailable: the game log cannot be reached right now; retry (a Send with the same clientMsgId)");
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (ChannelException e)
        {
            metrics.Refused(e.Code);
            throw new HubException(e.Message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            metrics.Refused("unavailable");
            LogStoreUnavailable("connect", e.Message);
            throw new HubException("unavailable: the game log cannot be reached right now; reconnect shortly");
        }
    }

    [LoggerMessage(2201, LogLevel.Warning, "{Method} failed: Redis unavailable: {Reason}")]
    private partial void LogStoreUnavailable(string method, string reason);
}

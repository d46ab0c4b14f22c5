using GameChannels.Core;
using Microsoft.AspNetCore.SignalR;

namespace GameChannels.SignalR;

/// <summary>
/// Gives every failed call and refused connection the "code: detail" that <see cref="ChannelErrors"/> maps it to,
/// as a HubException, the one kind SignalR passes on to the caller. Nothing else leaks to the client.
/// </summary>
internal sealed class ChannelErrorFilter(ChannelErrors errors) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception e) when (e is not HubException and not OperationCanceledException)
        {
            var request = invocationContext.HubMethodName;
            throw new HubException(errors.Describe(e, request));
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (e is not HubException and not OperationCanceledException)
        {
            throw new HubException(errors.Describe(e, ChannelErrors.Connect));
        }
    }
}

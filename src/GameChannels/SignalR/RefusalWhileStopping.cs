using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>
/// Once the server is stopping, every new connection is refused with 503, so that clients told to come back go
/// to the next server rather than joining this one again. (Join tokens are checked by JoinTokenAuthentication.)
/// </summary>
internal static class RefusalWhileStopping
{
    public static IApplicationBuilder UseRefusalWhileStopping(this IApplicationBuilder app, PathString path) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(path) || !context.RequestServices.GetRequiredService<Core.GameRooms>().Stopping)
            {
                await next(context);
                return;
            }
            context.RequestServices.GetRequiredService<Core.ChannelMetrics>().Refused(ErrorCodes.Unavailable);
            context.Response.Headers.RetryAfter = "1";
            await TypedResults.Problem(detail: "the channel server is restarting; reconnect in a moment",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.Unavailable }).ExecuteAsync(context);
        });
}

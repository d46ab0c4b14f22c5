using GameChannels.Core;
using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>
/// A channel URL's ?after=, checked before the upgrade and after the token (so that a browser asking why its
/// upgrade failed learns of a token to renew first): a bad one is refused with 400 bad_request.
/// </summary>
internal static class AfterQuery
{
    private const string AfterKey = "platform.after";

    public static IApplicationBuilder UseAfterQuery(this IApplicationBuilder app, PathString path) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(path))
            {
                await next(context);
                return;
            }
            if (!ResumeRequests.TryAfterQuery(context.Request.Query["after"], out var after, out var badAfter))
            {
                context.RequestServices.GetRequiredService<ChannelMetrics>().Refused(ErrorCodes.BadRequest);
                await TypedResults.Problem(detail: badAfter, statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.BadRequest }).ExecuteAsync(context);
                return;
            }
            context.Items[AfterKey] = after;
            await next(context);
        });

    /// <summary>The request's ?after=, checked before the upgrade: null when it has none.</summary>
    public static long? AfterOf(HttpContext? context) => context?.Items[AfterKey] as long?;
}

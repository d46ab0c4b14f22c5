using GameChannels.Core;
using Platform.Games;

namespace GameChannels.SignalR;

/// <summary>
/// Opens the join token before SignalR sees the request (negotiate and connect alike): a bad, expired or
/// foreign token, or one for another game than ?game=, is refused with 401 and a JSON reason; a bad ?after= with
/// 400 bad_request. Once the server is stopping, every new connection is refused with 503, so that clients told
/// to come back go to the next server rather than joining this one again.
/// </summary>
internal static class ChannelAuth
{
    private const string PlayerKey = "platform.player";
    private const string AfterKey = "platform.after";

    public static IApplicationBuilder UseChannelAuth(this IApplicationBuilder app, PathString path) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(path))
            {
                await next(context);
                return;
            }
            if (context.RequestServices.GetRequiredService<Core.GameRooms>().Stopping)
            {
                context.RequestServices.GetRequiredService<Core.ChannelMetrics>().Refused(ErrorCodes.Unavailable);
                context.Response.Headers.RetryAfter = "1";
                await TypedResults.Problem(detail: "the channel server is restarting; reconnect in a moment",
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.Unavailable }).ExecuteAsync(context);
                return;
            }
            var tokens = context.RequestServices.GetRequiredService<JoinTokens>();
            var problem = Authorize(context, tokens);
            if (problem is not null)
            {
                context.RequestServices.GetRequiredService<Core.ChannelMetrics>().Refused(ErrorCodes.Unauthorized);
                await TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status401Unauthorized,
                    extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.Unauthorized }).ExecuteAsync(context);
                return;
            }
            // After the token, so that a browser asking why its upgrade failed learns of a token to renew first.
            if (!ResumeRequests.TryAfterQuery(context.Request.Query["after"], out var after, out var badAfter))
            {
                context.RequestServices.GetRequiredService<Core.ChannelMetrics>().Refused(ErrorCodes.BadRequest);
                await TypedResults.Problem(detail: badAfter, statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.BadRequest }).ExecuteAsync(context);
                return;
            }
            context.Items[AfterKey] = after;
            await next(context);
        });

    /// <summary>The request's ?after=, checked before the upgrade: null when it has none.</summary>
    public static long? AfterOf(HttpContext? context) => context?.Items[AfterKey] as long?;

    public static JoinToken PlayerOf(HttpContext? context) =>
        context?.Items[PlayerKey] as JoinToken ?? throw new InvalidOperationException("The channel request was not authorized.");

    private static string? Authorize(HttpContext context, JoinTokens tokens)
    {
        var problem = Authorize(context.Request.Query["game"], context.Request.Query["access_token"],
            context.Request.Headers.Authorization, tokens, out var player);
        if (problem is null)
        {
            context.Items[PlayerKey] = player;
        }
        return problem;
    }

    /// <summary>
    /// The player a channel URL's ?game= and token (the query's access_token, else an Authorization bearer
    /// header) let in, or the reason it does not.
    /// </summary>
    public static string? Authorize(string? game, string? accessToken, string? authorization, JoinTokens tokens, out JoinToken player)
    {
        player = null!;
        if (!GameIds.TryNormalize(game, out var gameId))
        {
            return "the channel URL needs ?game=<game id>";
        }
        var token = accessToken ?? "";
        if (token.Length == 0 && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = authorization["Bearer ".Length..].Trim();
        }
        if (!tokens.TryOpen(token, out player, out var problem))
        {
            return problem;
        }
        return player.GameId == gameId ? null : "the token is for another game";
    }
}

using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Games;

/// <summary>What the join-token scheme lets an app add: a hook for each refused request (the channel counts them).</summary>
public sealed class JoinTokenAuthenticationOptions : AuthenticationSchemeOptions
{
    public Action<HttpContext>? OnRefused { get; set; }
}

/// <summary>
/// The one check of a join token, for Web's API and both channel transports: the token (the query's
/// access_token, as browsers' WebSocket and SignalR clients send it, else an Authorization bearer header) must
/// open, and must be for the game the request names (its {gameId} route value, else ?game=). Endpoints ask for
/// it with RequireAuthorization(); a refusal is a 401 problem+json with the code "unauthorized" and the reason.
/// </summary>
public sealed class JoinTokenAuthentication(
    IOptionsMonitor<JoinTokenAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, JoinTokens tokens)
    : AuthenticationHandler<JoinTokenAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "JoinToken";

    private const string PlayerKey = "platform.player";
    private const string ProblemKey = "platform.token_problem";

    /// <summary>The player whose token let this request in (an endpoint that requires authorization).</summary>
    public static JoinToken PlayerOf(HttpContext? context) =>
        context?.Items[PlayerKey] as JoinToken ?? throw new InvalidOperationException("The request was not authorized with a join token.");

    /// <summary>The player that <paramref name="game"/> and a token let in, or the reason it does not.</summary>
    public static string? Check(string? game, string? accessToken, string? authorization, JoinTokens tokens, out JoinToken player)
    {
        player = null!;
        if (!GameIds.TryNormalize(game, out var gameId))
        {
            return "The request names no game.";
        }
        var token = accessToken ?? "";
        if (token.Length == 0 && authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = authorization["Bearer ".Length..].Trim();
        }
        if (token.Length == 0)
        {
            return "Send your join token as a bearer token.";
        }
        if (!tokens.TryOpen(token, out player, out var problem))
        {
            return $"The token does not open: {problem}.";
        }
        return player.GameId == gameId ? null : "The token is for another game.";
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var request = Context.Request;
        var game = request.RouteValues.TryGetValue("gameId", out var routed) ? routed as string : request.Query["game"].ToString();
        if (Check(game, request.Query["access_token"], request.Headers.Authorization, tokens, out var player) is { } problem)
        {
            Context.Items[ProblemKey] = problem;
            return Task.FromResult(AuthenticateResult.Fail(problem));
        }
        Context.Items[PlayerKey] = player;
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, player.PlayerId), new Claim(ClaimTypes.Name, player.Name), new Claim("game", player.GameId)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Options.OnRefused?.Invoke(Context);
        var problem = Context.Items[ProblemKey] as string ?? "Send your join token as a bearer token.";
        await TypedResults.Problem(detail: problem, statusCode: StatusCodes.Status401Unauthorized,
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.Unauthorized }).ExecuteAsync(Context);
    }
}

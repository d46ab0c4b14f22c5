using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Archive.Games;
using Platform.Games;
using Platform.Redis;

namespace Web.Games;

public static class GamesApi
{
    public static IEndpointRouteBuilder MapGames(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/titles", () => TypedResults.Ok<IReadOnlyList<TitleView>>(
            Titles.All.Select(t => new TitleView(t.Id, t.Name, t.MinPlayers, t.MaxPlayers)).ToList()));

        var games = api.MapGroup("/games");
        games.MapPost("/", CreateAsync);
        games.MapPost("/{gameId}/players", JoinAsync);
        games.MapGet("/{gameId}", GetAsync);
        games.MapGet("/{gameId}/messages", MessagesAsync).RequireAuthorization();
        return app;
    }

    private static async Task<Results<Created<GameCreated>, ProblemHttpResult>> CreateAsync(
        CreateGameRequest request, HttpContext http, IGameStore store, JoinTokens tokens,
        IOptions<ChannelLinkOptions> channels, CancellationToken cancellationToken)
    {
        // Paid titles will need a purchase ticket here, once purchases exist.
        if (Titles.Find(request.Title) is not { } title)
        {
            return ApiErrors.Problem(StatusCodes.Status400BadRequest, ErrorCodes.UnknownTitle,
                $"There is no title '{ApiErrors.Quote(request.Title)}'; known titles: {string.Join(", ", Titles.All.Select(t => t.Id))}.");
        }
        if (!ApiErrors.TryName(request.Name, out var name, out var problem))
        {
            return ApiErrors.BadRequest(problem);
        }
        // Nothing goes into Redis here: this request carries no game id for the router, so the host that took it
        // need not be the game's. The game's own host marks it live when its first player joins.
        var (gameId, host) = await store.CreateAsync(title.Id, name, cancellationToken);
        var token = tokens.Seal(tokens.Issue(gameId, host.PlayerId, host.Seat, title.Id, name));
        var shareUrl = $"{http.Request.Scheme}://{http.Request.Host}/play/{gameId}";
        return TypedResults.Created($"/api/games/{gameId}",
            new GameCreated(gameId, host.PlayerId, host.Seat, token,
                channels.Value.ChannelUrl(gameId), channels.Value.WsUrl(gameId), shareUrl));
    }

    private static async Task<Results<Created<GameJoined>, Ok<GameJoined>, ProblemHttpResult>> JoinAsync(
        string gameId, JoinGameRequest request, IGameStore store, GameLog log, JoinTokens tokens, IOptions<ChannelLinkOptions> channels,
        IOptions<SeatOptions> seatCap, CancellationToken cancellationToken)
    {
        if (!GameIds.TryNormalize(gameId, out gameId))
        {
            return ApiErrors.NotFound(gameId);
        }
        if (request.PlayerId is { Length: > 0 } playerId)
        {
            // A reloaded page reclaims its seat; an ended game can still be looked at.
            var game = await store.FindAsync(gameId, cancellationToken);
            if (game?.Left.Contains(playerId) == true)
            {
                // The seat was given up and may be a new player's: the old id never takes it back.
                return PlayerLeft();
            }
            if (game?.Seats.FirstOrDefault(s => s.PlayerId == playerId) is not { } seat)
            {
                return game is null ? ApiErrors.NotFound(gameId)
                    : ApiErrors.Problem(StatusCodes.Status404NotFound, ErrorCodes.UnknownPlayer, "That player is not in this game; join with a name.");
            }
            return TypedResults.Ok(Joined(tokens, channels.Value, gameId, game.Title, seat));
        }
        if (!ApiErrors.TryName(request.Name, out var name, out var problem))
        {
            return ApiErrors.BadRequest(request.Name is null ? "Give a name to join, or your playerId to rejoin." : problem);
        }
        var existing = await store.FindAsync(gameId, cancellationToken);
        if (existing is null || Titles.Find(existing.Title) is not { } title)
        {
            return ApiErrors.NotFound(gameId);
        }
        if ((await log.StateAsync(gameId)).Status == GameStatus.Ended)
        {
            // The channel ended it; the archive may not have heard yet.
            return ApiErrors.Problem(StatusCodes.Status410Gone, ErrorCodes.GameEnded, $"Game {gameId} has ended.");
        }
        var seats = seatCap.Value.SeatsOf(title);
        var (outcome, joined) = await store.JoinAsync(gameId, name, seats, Math.Min(title.MinPlayers, seats), cancellationToken);
        return outcome switch
        {
            JoinOutcome.Joined => TypedResults.Created($"/api/games/{gameId}", Joined(tokens, channels.Value, gameId, title.Id, joined!)),
            JoinOutcome.Full => ApiErrors.Problem(StatusCodes.Status409Conflict, ErrorCodes.GameFull, $"All {seats} seats of game {gameId} are taken."),
            JoinOutcome.Ended => ApiErrors.Problem(StatusCodes.Status410Gone, ErrorCodes.GameEnded, $"Game {gameId} has ended."),
            _ => ApiErrors.NotFound(gameId),
        };
    }

    private static async Task<Results<Ok<GameView>, ProblemHttpResult>> GetAsync(
        string gameId, IGameStore store, GameLog log, GamePresence presence, CancellationToken cancellationToken)
    {
        if (!GameIds.TryNormalize(gameId, out gameId) || await store.FindAsync(gameId, cancellationToken) is not { } game)
        {
            return ApiErrors.NotFound(gameId);
        }
        var online = await presence.OnlineSeatsAsync(gameId);
        var state = await log.StateAsync(gameId);
        // Player ids are credentials: the view names seats, never players.
        var seats = game.Seats.Select(s => new SeatView(s.Seat, s.Name, online.Contains(s.Seat))).ToList();
        var status = state.Status == GameStatus.Ended ? GameStatus.Ended : game.Status;
        return TypedResults.Ok(new GameView(gameId, game.Title, status, seats, state.LatestSeq, Titles.Find(game.Title)?.MaxPlayers ?? seats.Count));
    }

    private static async Task<Results<Ok<LogPage>, ProblemHttpResult>> MessagesAsync(
        HttpContext http, GameLog log, IGameStore store, CancellationToken cancellationToken, long after = 0, int limit = 100)
    {
        // The token was checked against the route's game (JoinTokenAuthentication): the game id is the token's.
        var token = JoinTokenAuthentication.PlayerOf(http);
        if (after < 0 || limit is < 1 or > 500)
        {
            return ApiErrors.BadRequest("after must be 0 or more, and limit between 1 and 500.");
        }
        // A seat given up may be a new player's now, with direct messages of its own: the old token reads none.
        if ((await store.FindAsync(token.GameId, cancellationToken))?.Left.Contains(token.PlayerId) == true)
        {
            return PlayerLeft();
        }
        var (state, messages, more) = await log.PageAsync(token.GameId, after, limit, token.Seat);
        return TypedResults.Ok(new LogPage(state.LatestSeq, state.Epoch, messages.Select(m => m.Envelope).ToList(), more));
    }

    private static ProblemHttpResult PlayerLeft() => ApiErrors.Problem(StatusCodes.Status410Gone, ErrorCodes.PlayerLeft,
        "You were away too long and your seat was given up; join again with a name.");

    private static GameJoined Joined(JoinTokens tokens, ChannelLinkOptions channels, string gameId, string title, SeatRecord seat) =>
        new(seat.PlayerId, seat.Seat, tokens.Seal(tokens.Issue(gameId, seat.PlayerId, seat.Seat, title, seat.Name)),
            channels.ChannelUrl(gameId), channels.WsUrl(gameId));
}

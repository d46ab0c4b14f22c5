namespace Platform.Games;

/// <summary>
/// The stable codes of every refusal, on the channel and over HTTP (docs/protocol.md sections 2 and 8): clients
/// branch on them, so each is written here once.
/// </summary>
public static class ErrorCodes
{
    public const string BadRequest = "bad_request";
    public const string TooLarge = "too_large";
    public const string RateLimited = "rate_limited";
    public const string Rejected = "rejected";
    public const string GameEnded = "game_ended";
    public const string Forbidden = "forbidden";
    public const string Unavailable = "unavailable";
    public const string Unauthorized = "unauthorized";
    public const string NotFound = "not_found";
    public const string UnknownTitle = "unknown_title";
    public const string UnknownPlayer = "unknown_player";
    public const string GameFull = "game_full";

    /// <summary>A rejoin with the player id of someone who left the seat for good (its grace period ran out).</summary>
    public const string PlayerLeft = "player_left";

    /// <summary>The server failed on a request it should have handled: its fault, logged as an error.</summary>
    public const string Internal = "internal";
}

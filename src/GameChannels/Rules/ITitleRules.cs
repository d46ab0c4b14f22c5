using System.Text.Json;

namespace GameChannels.Rules;

/// <summary>A system message the rules append after a player's message, such as a referee's result.</summary>
public sealed record FollowUp(string Type, JsonElement Body);

/// <summary>
/// What the rules say of a player's message before it is appended, or of a seat whose player left for good;
/// a verdict that ends the game logs game.ended with <paramref name="EndReason"/>.
/// </summary>
public sealed record Verdict(string? Rejection, IReadOnlyList<FollowUp> FollowUps, bool EndsGame, string EndReason = "rules")
{
    public static readonly Verdict Accept = new(null, [], false);

    public static Verdict Reject(string why) => new(why, [], false);
}

/// <summary>
/// An optional server-side referee for one title, for games that need hidden information or a judge. Titles
/// without one are relayed as they are. The channel still does not understand the game: the rules do.
/// </summary>
public interface ITitleRules
{
    string TitleId { get; }

    IRulesState NewGame();
}

/// <summary>One game's state as the rules see it. Called under the game's lock, one message at a time.</summary>
public interface IRulesState
{
    /// <summary>
    /// Judges a player's message before it is appended (<paramref name="to"/> is the seat of a direct message);
    /// a rejection appends nothing.
    /// </summary>
    Verdict Judge(int seat, string type, JsonElement body, int? to);

    /// <summary>
    /// Sees every message once it is in the log, in order, including system messages and the rules' own
    /// follow-ups. When a game is loaded again (a restart), its whole log is replayed through here.
    /// </summary>
    void Observe(int? fromSeat, string type, JsonElement body);

    /// <summary>
    /// A seat's player has had no connection for the grace period (Channels:SeatGraceSeconds) and is gone:
    /// player.left is logged, then what this returns. Unless it ends the game, the seat is free for a new
    /// player. Titles whose rules say nothing keep the seat: the room then logs nothing.
    /// </summary>
    Verdict? SeatLeft(int seat) => null;
}

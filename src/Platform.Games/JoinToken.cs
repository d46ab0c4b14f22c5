using System.Text.Json.Serialization;

namespace Platform.Games;

/// <summary>
/// What a player's browser carries to the channel: which game, which player and seat, until when. Sealed by
/// <see cref="JoinTokens"/>, so the channel trusts it without asking Web (Web keeps no state).
/// </summary>
public sealed record JoinToken(
    [property: JsonPropertyName("g")] string GameId,
    [property: JsonPropertyName("p")] string PlayerId,
    [property: JsonPropertyName("s")] int Seat,
    [property: JsonPropertyName("t")] string Title,
    [property: JsonPropertyName("n")] string Name,
    [property: JsonPropertyName("e")] long ExpiresAtUnixSeconds);

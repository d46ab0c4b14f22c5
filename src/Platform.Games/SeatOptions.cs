using System.ComponentModel.DataAnnotations;

namespace Platform.Games;

/// <summary>
/// Section <c>Channels</c>, the seat cap: Web seats players by it and the channel server lets them in by it, so
/// both read it from this one class and they cannot disagree.
/// </summary>
public sealed class SeatOptions
{
    public const string Section = "Channels";

    /// <summary>Players (seats) a game may have, whatever its title says.</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000")]
    public int MaxPlayersPerGame { get; set; } = 16;

    /// <summary>Seats a game of <paramref name="title"/> may have: its title's, bounded by <see cref="MaxPlayersPerGame"/>.</summary>
    public int SeatsOf(Title title) => Math.Min(title.MaxPlayers, MaxPlayersPerGame);
}

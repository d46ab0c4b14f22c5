namespace Platform.Archive.Games;

public sealed record SeatRecord(int Seat, string PlayerId, string Name);

/// <summary>A game, its seats held now, and the player ids of those who left a seat for good.</summary>
public sealed record GameRecord(string GameId, string Title, string Status, IReadOnlyList<SeatRecord> Seats, IReadOnlySet<string> Left);

public enum JoinOutcome { Joined, NotFound, Full, Ended }

/// <summary>
/// The games and their seats, shared by every Web instance. The archive is reached through interfaces like
/// this one so that another store (MongoDB, as the brief names) would be one class to add.
/// </summary>
public interface IGameStore
{
    /// <summary>Creates a game with a fresh id and its host in seat 1.</summary>
    Task<(string GameId, SeatRecord Host)> CreateAsync(string title, string hostName, CancellationToken cancellationToken);

    /// <summary>Seats a new player in the lowest free seat, if the game is live and has one.</summary>
    Task<(JoinOutcome Outcome, SeatRecord? Seat)> JoinAsync(string gameId, string name, int maxPlayers, int minPlayers, CancellationToken cancellationToken);

    /// <summary>
    /// Its player left the seat for good: the seat is free for a new player, and the old player id no longer
    /// holds it. True if this call freed it.
    /// </summary>
    Task<bool> FreeSeatAsync(string gameId, int seat, CancellationToken cancellationToken);

    /// <summary>Whether the player holds that seat of the game now (not left).</summary>
    Task<bool> HoldsSeatAsync(string gameId, int seat, string playerId, CancellationToken cancellationToken);

    Task<GameRecord?> FindAsync(string gameId, CancellationToken cancellationToken);

    /// <summary>Marks a game ended; true if this call ended it.</summary>
    Task<bool> EndAsync(string gameId, DateTimeOffset endedAt, CancellationToken cancellationToken);
}

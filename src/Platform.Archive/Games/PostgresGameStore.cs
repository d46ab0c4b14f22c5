using Npgsql;
using Platform.Games;

namespace Platform.Archive.Games;

public sealed class PostgresGameStore(NpgsqlDataSource dataSource, TimeProvider time) : IGameStore
{
    private const string UniqueViolation = "23505";

    public async Task<(string GameId, SeatRecord Host)> CreateAsync(string title, string hostName, CancellationToken cancellationToken)
    {
        var host = new SeatRecord(1, NewPlayerId(), hostName);
        for (var attempt = 0; ; attempt++)
        {
            var gameId = GameIds.New();
            await using var batch = dataSource.CreateBatch();
            batch.BatchCommands.Add(Command(
                "INSERT INTO games (game_id, title, status, created_at) VALUES ($1, $2, 'waiting', $3)",
                gameId, title, time.GetUtcNow()));
            batch.BatchCommands.Add(Command(
                "INSERT INTO players (game_id, seat, player_id, name) VALUES ($1, 1, $2, $3)", gameId, host.PlayerId, hostName));
            try
            {
                // One batch is one implicit transaction: the game never exists without its host.
                await batch.ExecuteNonQueryAsync(cancellationToken);
                return (gameId, host);
            }
            catch (PostgresException e) when (e.SqlState == UniqueViolation && attempt < 5)
            {
                // A code already taken: draw another.
            }
        }
    }

    public async Task<(JoinOutcome Outcome, SeatRecord? Seat)> JoinAsync(
        string gameId, string name, int maxPlayers, int minPlayers, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The row lock makes two players joining at once take turns for the last seat.
        await using (var game = new NpgsqlCommand("SELECT status FROM games WHERE game_id = $1 FOR UPDATE", connection, transaction))
        {
            game.Parameters.Add(new() { Value = gameId });
            switch (await game.ExecuteScalarAsync(cancellationToken))
            {
                case null: return (JoinOutcome.NotFound, null);
                case GameStatus.Ended: return (JoinOutcome.Ended, null);
            }
        }
        var held = new HashSet<int>();
        await using (var seats = new NpgsqlCommand("SELECT seat FROM players WHERE game_id = $1 AND left_at IS NULL", connection, transaction))
        {
            seats.Parameters.Add(new() { Value = gameId });
            await using var reader = await seats.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                held.Add(reader.GetInt32(0));
            }
        }
        // A seat left for good (a guest who went away) is given again before the next one.
        var free = Enumerable.Range(1, maxPlayers).FirstOrDefault(s => !held.Contains(s));
        if (free == 0)
        {
            return (JoinOutcome.Full, null);
        }
        var seat = new SeatRecord(free, NewPlayerId(), name);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO players (game_id, seat, player_id, name) VALUES ($1, $2, $3, $4)", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = gameId });
            insert.Parameters.Add(new() { Value = seat.Seat });
            insert.Parameters.Add(new() { Value = seat.PlayerId });
            insert.Parameters.Add(new() { Value = name });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (seat.Seat >= minPlayers)
        {
            await using var activate = new NpgsqlCommand(
                "UPDATE games SET status = 'active' WHERE game_id = $1 AND status = 'waiting'", connection, transaction);
            activate.Parameters.Add(new() { Value = gameId });
            await activate.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return (JoinOutcome.Joined, seat);
    }

    public async Task<GameRecord?> FindAsync(string gameId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT g.title, g.status, p.seat, p.player_id, p.name, p.left_at IS NOT NULL
            FROM games g LEFT JOIN players p ON p.game_id = g.game_id
            WHERE g.game_id = $1 ORDER BY p.seat
            """);
        command.Parameters.Add(new() { Value = gameId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        GameRecord? game = null;
        var seats = new List<SeatRecord>();
        var left = new HashSet<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            game ??= new GameRecord(gameId, reader.GetString(0), reader.GetString(1), seats, left);
            if (reader.IsDBNull(2))
            {
                continue;
            }
            if (reader.GetBoolean(5))
            {
                left.Add(reader.GetString(3));
            }
            else
            {
                seats.Add(new SeatRecord(reader.GetInt32(2), reader.GetString(3), reader.GetString(4)));
            }
        }
        return game;
    }

    public async Task<bool> FreeSeatAsync(string gameId, int seat, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE players SET left_at = $3 WHERE game_id = $1 AND seat = $2 AND left_at IS NULL");
        command.Parameters.Add(new() { Value = gameId });
        command.Parameters.Add(new() { Value = seat });
        command.Parameters.Add(new() { Value = time.GetUtcNow() });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> HoldsSeatAsync(string gameId, int seat, string playerId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM players WHERE game_id = $1 AND seat = $2 AND player_id = $3 AND left_at IS NULL)");
        command.Parameters.Add(new() { Value = gameId });
        command.Parameters.Add(new() { Value = seat });
        command.Parameters.Add(new() { Value = playerId });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> EndAsync(string gameId, DateTimeOffset endedAt, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE games SET status = 'ended', ended_at = $2 WHERE game_id = $1 AND status <> 'ended'");
        command.Parameters.Add(new() { Value = gameId });
        command.Parameters.Add(new() { Value = endedAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new() { Value = value });
        }
        return command;
    }

    /// <summary>A player id is a credential (it reclaims a seat): 128 random bits.</summary>
    private static string NewPlayerId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

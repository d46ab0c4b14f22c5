using Npgsql;
using Platform.Archive;

namespace Platform.TestSupport;

/// <summary>A database of its own for one test (or one test class), dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name)
    {
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { Database = name, Pooling = false }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var database = new TestDatabase($"test_{Guid.NewGuid():N}");
        await using var server = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var create = server.CreateCommand($"CREATE DATABASE \"{database.Name}\"");
        await create.ExecuteNonQueryAsync().DefaultTimeout();
        return database;
    }

    /// <summary>A new database with the archive schema applied, as DbMigrate leaves it.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync()
    {
        var database = await CreateAsync();
        await using var dataSource = database.CreateDataSource();
        await new ArchiveSchema(dataSource).MigrateAsync(CancellationToken.None).DefaultTimeout();
        return database;
    }

    public NpgsqlDataSource CreateDataSource() => NpgsqlDataSource.Create(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await using var server = NpgsqlDataSource.Create(TestServers.Postgres);
        await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        await drop.ExecuteNonQueryAsync().DefaultTimeout();
    }
}

using Npgsql;
using Platform.TestSupport;

namespace Platform.Archive.Tests;

public class ArchiveSchemaTests
{
    [Fact]
    public async Task AFreshDatabaseGetsEveryMigrationOnceAndRecordsIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        var schema = new ArchiveSchema(dataSource);

        (await schema.CurrentVersionAsync(default).DefaultTimeout()).ShouldBe(0);
        var applied = await schema.MigrateAsync(default).DefaultTimeout();

        applied.Select(m => m.Version).ShouldBe(Enumerable.Range(1, ArchiveSchema.LatestVersion));
        (await schema.CurrentVersionAsync(default).DefaultTimeout()).ShouldBe(ArchiveSchema.LatestVersion);
        foreach (var table in new[] { "games", "archived_messages", "purchases", "emails", "game_stats", "affiliates", "currency_rates" })
        {
            await using var exists = dataSource.CreateCommand($"SELECT to_regclass('{table}') IS NOT NULL");
            ((bool)(await exists.ExecuteScalarAsync().DefaultTimeout())!).ShouldBeTrue(table);
        }

        (await schema.MigrateAsync(default).DefaultTimeout()).ShouldBeEmpty("a second run applies nothing");
    }

    [Fact]
    public async Task MigratorsRunningAtOnceApplyEachScriptOnce()
    {
        await using var database = await TestDatabase.CreateAsync();
        var dataSources = Enumerable.Range(0, 3).Select(_ => database.CreateDataSource()).ToList();

        var runs = await Task.WhenAll(dataSources.Select(ds => new ArchiveSchema(ds).MigrateAsync(default))).DefaultTimeout();

        runs.Sum(r => r.Count).ShouldBe(ArchiveSchema.Migrations.Count);
        await using var count = dataSources[0].CreateCommand("SELECT count(*) FROM schema_version");
        ((long)(await count.ExecuteScalarAsync().DefaultTimeout())!).ShouldBe(ArchiveSchema.Migrations.Count);
        foreach (var ds in dataSources)
        {
            await ds.DisposeAsync();
        }
    }

    [Fact]
    public async Task AScriptEditedAfterItWasAppliedIsRefused()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var dataSource = database.CreateDataSource();
        var schema = new ArchiveSchema(dataSource);
        await schema.MigrateAsync(default).DefaultTimeout();
        await using (var tamper = dataSource.CreateCommand("UPDATE schema_version SET checksum = 'edited' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync().DefaultTimeout();
        }

        var error = await Should.ThrowAsync<InvalidOperationException>(() => schema.MigrateAsync(default).DefaultTimeout());
        error.Message.ShouldContain("0001_initial.sql was changed after it was applied");
    }

    [Fact]
    public async Task AnUnreachableArchiveIsReportedAsSuch()
    {
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Timeout=3");
        await Should.ThrowAsync<NpgsqlException>(() => new ArchiveSchema(dataSource).CurrentVersionAsync(default).DefaultTimeout());
    }
}

using Platform.Archive;
using Platform.TestSupport;

namespace Services.Tests;

public class ToolsTests
{
    private static async Task<ServiceProcess> RunAsync(string tool, TestDatabase database, params string[] args)
    {
        var process = ServiceProcess.Start(tool, new() { ["PLATFORM_ARCHIVE__CONNECTIONSTRING"] = database.ConnectionString }, args, listen: false);
        await process.WaitForExitAsync();
        return process;
    }

    [Fact]
    public async Task DbMigrateAppliesTheSchemaOnceAndAccountingChecksIt()
    {
        await using var database = await TestDatabase.CreateAsync();

        await using (var check = await RunAsync("Accounting", database, "check"))
        {
            (await check.WaitForExitAsync()).ShouldBe(1);
            check.StandardError.ShouldHaveSingleItem().ShouldContain("run DbMigrate");
        }
        await using (var migrate = await RunAsync("DbMigrate", database))
        {
            (await migrate.WaitForExitAsync()).ShouldBe(0, migrate.Describe());
            migrate.StandardOutput.ShouldContain($"archive schema at version {ArchiveSchema.LatestVersion} ({ArchiveSchema.Migrations.Count} applied now)");
        }
        await using (var again = await RunAsync("DbMigrate", database))
        {
            (await again.WaitForExitAsync()).ShouldBe(0, again.Describe());
            again.StandardOutput.ShouldContain($"archive schema at version {ArchiveSchema.LatestVersion} (0 applied now)");
        }
        await using (var check = await RunAsync("Accounting", database, "check"))
        {
            (await check.WaitForExitAsync()).ShouldBe(0, check.Describe());
            check.StandardOutput.ShouldContain($"archive reachable, schema version {ArchiveSchema.LatestVersion}");
        }
    }

    [Fact]
    public async Task AnUnreachableArchiveIsOneLineNotAStackTrace()
    {
        var process = ServiceProcess.Start("DbMigrate", new()
        {
            ["PLATFORM_ARCHIVE__CONNECTIONSTRING"] = $"Host=127.0.0.1;Port={FreePort.Next()};Username=postgres;Timeout=3",
        }, listen: false);
        await using (process)
        {
            (await process.WaitForExitAsync()).ShouldBe(1);
            process.StandardError.ShouldHaveSingleItem().ShouldStartWith("Migration failed: Failed to connect to 127.0.0.1:");
        }
    }

    [Fact]
    public async Task AccountingWithoutACommandPrintsUsage()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var process = await RunAsync("Accounting", database);
        (await process.WaitForExitAsync()).ShouldBe(64);
        process.StandardOutput.ShouldContain(line => line.StartsWith("usage: Accounting", StringComparison.Ordinal));

        await using var unknown = await RunAsync("Accounting", database, "--Archive:Schema", "x", "refund");
        (await unknown.WaitForExitAsync()).ShouldBe(64);
        unknown.StandardError.ShouldContain("Unknown command 'refund'.");
    }
}

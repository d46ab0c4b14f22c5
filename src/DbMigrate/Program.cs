using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Archive;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Hosting;

// Applies the archive's schema migrations that the database does not have yet. Safe to run again, and
// safe to run from two hosts at once: they take turns on an advisory lock.
var builder = PlatformHost.CreateToolBuilder(args);
builder.AddArchive();
using var host = builder.Build();

return await host.RunToolAsync(async (services, cancellationToken) =>
{
    var schema = services.GetRequiredService<ArchiveSchema>();
    try
    {
        var applied = await schema.MigrateAsync(cancellationToken);
        foreach (var migration in applied)
        {
            Console.WriteLine($"applied {migration.Name}");
        }
        Console.WriteLine($"archive schema at version {ArchiveSchema.LatestVersion} ({applied.Count} applied now)");
        return 0;
    }
    catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
    {
        await Console.Error.WriteLineAsync($"Migration failed: {e.Message.ReplaceLineEndings(" ")}");
        return 1;
    }
});

using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Archive;

namespace Accounting;

internal static class Commands
{
    public const int Usage = 64; // EX_USAGE

    public static async Task<int> RunAsync(string? command, IServiceProvider services, CancellationToken cancellationToken)
    {
        switch (command)
        {
            case "check":
                return await CheckAsync(services.GetRequiredService<ArchiveSchema>(), cancellationToken);
            case null or "help":
                PrintUsage(Console.Out);
                return command is null ? Usage : 0;
            default:
                await Console.Error.WriteLineAsync($"Unknown command '{command}'.");
                PrintUsage(Console.Error);
                return Usage;
        }
    }

    /// <summary>Says whether the reports can run: the archive answers and its schema is current.</summary>
    private static async Task<int> CheckAsync(ArchiveSchema schema, CancellationToken cancellationToken)
    {
        try
        {
            var version = await schema.CurrentVersionAsync(cancellationToken);
            if (version < ArchiveSchema.LatestVersion)
            {
                await Console.Error.WriteLineAsync(
                    $"The archive's schema is at version {version}; this build needs {ArchiveSchema.LatestVersion}: run DbMigrate.");
                return 1;
            }
            Console.WriteLine($"archive reachable, schema version {version}");
            return 0;
        }
        catch (NpgsqlException e)
        {
            await Console.Error.WriteLineAsync($"The archive does not answer: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    private static void PrintUsage(TextWriter writer) => writer.WriteLine("""
        usage: Accounting <command> [--Section:Key=value ...]

        commands:
          check    the archive answers and its schema is current
          help     this text
        """);
}

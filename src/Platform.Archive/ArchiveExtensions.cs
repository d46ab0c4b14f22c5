using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Archive.Games;
using Platform.ServiceDefaults.Configuration;
using Platform.ServiceDefaults.Health;

namespace Platform.Archive;

public static class ArchiveExtensions
{
    /// <summary>
    /// One pooled <see cref="NpgsqlDataSource"/> for the process and a readiness check that the archive answers
    /// and its schema is at least the version this build was written for.
    /// </summary>
    public static IHostApplicationBuilder AddArchive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ArchiveOptions>(ArchiveOptions.Section);
        builder.Services.AddSingleton(services =>
            NpgsqlDataSource.Create(services.GetRequiredService<IOptions<ArchiveOptions>>().Value.ConnectionString));
        builder.Services.AddSingleton<ArchiveSchema>();
        builder.Services.AddSingleton<IGameStore, PostgresGameStore>();
        builder.Services.AddHealthChecks().AddCheck<ArchiveHealthCheck>("archive", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }
}

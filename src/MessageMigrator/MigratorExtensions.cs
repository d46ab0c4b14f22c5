using Platform.Jobs;
using Platform.Jobs.Contracts;

namespace MessageMigrator;

public static class MigratorExtensions
{
    /// <summary>The migrate queue's Hangfire server and its jobs, and the dashboard this service serves for every worker.</summary>
    public static IHostApplicationBuilder AddMigrator(this IHostApplicationBuilder builder)
    {
        builder.AddJobServer(JobQueues.Migrate);
        builder.AddJobsDashboard();
        builder.Services.AddTransient<IArchiveGameJob, ArchiveGameJob>();
        return builder;
    }
}

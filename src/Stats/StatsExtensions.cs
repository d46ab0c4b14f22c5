using Platform.Jobs;
using Platform.Jobs.Contracts;

namespace Stats;

public static class StatsExtensions
{
    /// <summary>The stats queue's Hangfire server, one job at a time, and its jobs.</summary>
    public static IHostApplicationBuilder AddStats(this IHostApplicationBuilder builder)
    {
        builder.AddJobServer(JobQueues.Stats);
        builder.Services.AddTransient<IGameStatsJob, GameStatsJob>();
        return builder;
    }
}

using Platform.TestSupport;

namespace Platform.Jobs.Tests;

/// <summary>Real worker processes (MessageMigrator, the migrate queue's worker) on a Redis database of the test's own.</summary>
internal static class Workers
{
    /// <summary>A Redis database of the test's own, and its jobs.</summary>
    public static async Task<(string Redis, TestJobs Jobs)> OwnDatabaseAsync()
    {
        var redis = await TestServers.OwnRedisAsync();
        return (redis, await TestJobs.ConnectAsync(redis));
    }

    /// <summary>
    /// MessageMigrator on <paramref name="redis"/> with <paramref name="settings"/>. Its archive is not needed for
    /// jobs, so it is never ready: wait for its Hangfire server instead (<see cref="WaitUntilServingAsync"/>).
    /// </summary>
    public static ServiceProcess StartMigrator(string redis, Dictionary<string, string?>? settings = null)
    {
        var environment = TestServers.Environment(null);
        environment["PLATFORM_REDIS__CONFIGURATION"] = redis;
        foreach (var (name, value) in settings ?? [])
        {
            environment[name] = value;
        }
        return ServiceProcess.Start("MessageMigrator", environment);
    }

    /// <summary>Waits until <paramref name="count"/> Hangfire servers serve the migrate queue.</summary>
    public static Task WaitUntilServingAsync(TestJobs jobs, ServiceProcess worker, int count = 1) =>
        Eventually.ForAsync(() => jobs.Monitoring.Servers().Count(s => s.Queues.Contains(JobQueues.Migrate)) >= count ? "serving" : null,
            TimeSpan.FromSeconds(60), "the migrator's Hangfire server to start\n" + worker.Describe());
}

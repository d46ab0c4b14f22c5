using Hangfire;
using Hangfire.Redis.StackExchange;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Configuration;
using StackExchange.Redis;

namespace Platform.Jobs;

public static class JobsExtensions
{
    /// <summary>
    /// Hangfire over the host's Redis, as a client: <see cref="IBackgroundJobClient"/> enqueues, and nothing
    /// runs here. Needs <c>AddPlatformRedis</c> (the process's one connection).
    /// </summary>
    public static IHostApplicationBuilder AddPlatformJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<JobsOptions>(JobsOptions.Section);
        builder.Services.AddHangfire((services, hangfire) =>
        {
            var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
            var redis = services.GetRequiredService<IConnectionMultiplexer>();
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseRedisStorage(redis, JobsStorage.Options(redis, options));
            // Hangfire's filters are process-wide: its default retry (10 attempts, minutes to hours apart) gives
            // way to the one the settings describe. A job that has used them up stays Failed, to be retried by hand.
            GlobalJobFilters.Filters.Remove<AutomaticRetryAttribute>();
            GlobalJobFilters.Filters.Add(new AutomaticRetryAttribute
            {
                Attempts = options.RetryAttempts,
                DelaysInSeconds = options.RetryDelays(),
                OnAttemptsExceeded = AttemptsExceededAction.Fail,
            });
        });
        return builder;
    }

    /// <summary>
    /// A Hangfire server in this process that runs the jobs of <paramref name="queues"/>, with the worker count
    /// of the settings (exactly one where a queue must not run jobs side by side).
    /// </summary>
    public static IHostApplicationBuilder AddJobServer(this IHostApplicationBuilder builder, params string[] queues)
    {
        builder.AddPlatformJobs();
        if (queues.Any(JobQueues.OneAtATime.Contains))
        {
            builder.Services.AddSingleton<IValidateOptions<JobsOptions>>(new OneWorkerOnly(queues.First(JobQueues.OneAtATime.Contains)));
        }
        var name = builder.Environment.ApplicationName;
        builder.Services.AddHangfireServer((services, server) =>
        {
            var options = services.GetRequiredService<IOptions<JobsOptions>>().Value;
            // Shown on the dashboard's Servers page: which service, on which host.
            server.ServerName = $"{name}@{Environment.MachineName}";
            server.Queues = queues;
            server.WorkerCount = options.WorkerCount;
            server.SchedulePollingInterval = TimeSpan.FromSeconds(options.SchedulePollingSeconds);
        });
        return builder;
    }

    private sealed class OneWorkerOnly(string queue) : IValidateOptions<JobsOptions>
    {
        public ValidateOptionsResult Validate(string? name, JobsOptions options) => options.WorkerCount == 1
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{SettingNames.Describe($"{JobsOptions.Section}:{nameof(JobsOptions.WorkerCount)}")}: must be 1 in the worker of the {queue} queue, which runs one job at a time");
    }
}

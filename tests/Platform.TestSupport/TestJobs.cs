using Hangfire;
using Hangfire.Common;
using Hangfire.Redis.StackExchange;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Platform.Jobs;
using StackExchange.Redis;

namespace Platform.TestSupport;

/// <summary>
/// The workers' Hangfire jobs in one Redis database, seen from a test: enqueue as any client does, and read
/// what the workers did through Hangfire's monitoring API (what the dashboard shows).
/// </summary>
public sealed class TestJobs : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _redis;
    private readonly RedisStorage _storage;

    private TestJobs(ConnectionMultiplexer redis)
    {
        _redis = redis;
        _storage = JobsStorage.Create(redis);
        Client = new BackgroundJobClient(_storage);
    }

    public static async Task<TestJobs> ConnectAsync(string redisConfiguration) =>
        new(await ConnectionMultiplexer.ConnectAsync(redisConfiguration).DefaultTimeout());

    public IBackgroundJobClient Client { get; }

    public IMonitoringApi Monitoring => _storage.GetMonitoringApi();

    /// <summary>The job's current state: Enqueued, Processing, Succeeded, Failed, Scheduled...</summary>
    public string? State(string jobId)
    {
        using var connection = _storage.GetConnection();
        return connection.GetStateData(jobId)?.Name;
    }

    /// <summary>The job's states, oldest first.</summary>
    public IReadOnlyList<StateHistoryDto> History(string jobId) =>
        [.. (Monitoring.JobDetails(jobId)?.History ?? []).Reverse()];

    /// <summary>Waits until the job is in <paramref name="state"/>.</summary>
    public Task WaitForStateAsync(string jobId, string state, TimeSpan? timeout = null) =>
        Eventually.ForAsync(() => State(jobId) == state ? state : null, timeout,
            $"job {jobId} to be {state}; it is {State(jobId)}: {string.Join(" > ", History(jobId).Select(h => h.StateName))}");

    /// <summary>Every job the monitoring API lists in a queue or a state list, with its id.</summary>
    public IEnumerable<(string Id, Job Job)> All(string queue)
    {
        var monitoring = Monitoring;
        return monitoring.EnqueuedJobs(queue, 0, 100_000).Select(j => (j.Key, j.Value.Job))
            .Concat(monitoring.ProcessingJobs(0, 100_000).Select(j => (j.Key, j.Value.Job)))
            .Concat(monitoring.SucceededJobs(0, 100_000).Select(j => (j.Key, j.Value.Job)))
            .Concat(monitoring.FailedJobs(0, 100_000).Select(j => (j.Key, j.Value.Job)))
            .Where(j => j.Job is not null);
    }

    /// <summary>The queue the job was last enqueued to.</summary>
    public string? Queue(string jobId) =>
        Monitoring.JobDetails(jobId)?.History.FirstOrDefault(h => h.StateName == "Enqueued")?.Data["Queue"];

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}

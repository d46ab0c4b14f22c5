using Hangfire.Redis.StackExchange;
using Platform.Redis;
using StackExchange.Redis;

namespace Platform.Jobs;

/// <summary>Where the jobs are kept: the host's Redis, on the process's one connection, under <see cref="RedisKeys.JobsPrefix"/>.</summary>
public static class JobsStorage
{
    public static RedisStorageOptions Options(IConnectionMultiplexer redis, JobsOptions jobs) => new()
    {
        Prefix = RedisKeys.JobsPrefix,
        // The database the Redis setting names (defaultDatabase=N), as for every other key; the storage would
        // otherwise take database 0 whatever the connection says.
        Db = redis.GetDatabase().Database,
        InvisibilityTimeout = jobs.InvisibilityTimeout,
    };

    /// <summary>A storage of its own over <paramref name="redis"/>, for a process that reads the jobs without hosting Hangfire (tests, the benchmark).</summary>
    public static RedisStorage Create(IConnectionMultiplexer redis, JobsOptions? jobs = null) => new(redis, Options(redis, jobs ?? new JobsOptions()));
}

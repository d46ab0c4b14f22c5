using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>
/// The producer side of the job queues: one Redis stream per queue, read by a worker's consumer group. Jobs
/// are JSON; their handlers are idempotent, since delivery is at least once.
/// </summary>
public sealed class JobQueue(IConnectionMultiplexer redis)
{
    public const string GameEnded = "game-ended";

    public async Task<string> PostAsync(string queue, string payloadJson) =>
        (string)(await redis.GetDatabase().ExecuteAsync("XADD", RedisKeys.JobQueue(queue), "*", "payload", payloadJson))!;
}

using Platform.TestSupport;
using StackExchange.Redis;

namespace Platform.Redis.Tests;

/// <summary>
/// A connection of its own to the tests' Redis for each test, in a database these tests alone are given: a
/// channel server clears every game's presence in its database as it starts, and other tests start them at
/// any time.
/// </summary>
public abstract class RedisTests : IAsyncLifetime
{
    private static readonly Lazy<Task<string>> OwnRedis = new(TestServers.OwnRedisAsync);

    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await ConnectionMultiplexer.ConnectAsync(await OwnRedis.Value).DefaultTimeout();

    public Task DisposeAsync()
    {
        Redis.Dispose();
        return Task.CompletedTask;
    }
}

using Platform.TestSupport;
using StackExchange.Redis;

namespace Platform.Redis.Tests;

/// <summary>A connection of its own to the tests' Redis for each test.</summary>
public abstract class RedisTests : IAsyncLifetime
{
    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis).DefaultTimeout();

    public Task DisposeAsync()
    {
        Redis.Dispose();
        return Task.CompletedTask;
    }
}

using Platform.TestSupport;
using StackExchange.Redis;

namespace Platform.Redis.Tests;

/// <summary>
/// A connection of its own to the tests' Redis for each test, in database 16, where no channel server runs
/// (./test starts Redis with 17): a channel server clears every game's presence in its database as it starts,
/// and other tests start them at any time in databases 0 to 15.
/// </summary>
public abstract class RedisTests : IAsyncLifetime
{
    private const int Database = 16;

    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Redis = await ConnectionMultiplexer.ConnectAsync($"{TestServers.Redis},defaultDatabase={Database}").DefaultTimeout();

    public Task DisposeAsync()
    {
        Redis.Dispose();
        return Task.CompletedTask;
    }
}

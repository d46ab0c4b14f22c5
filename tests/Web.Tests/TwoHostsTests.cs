using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Redis;
using Platform.TestSupport;
using Platform.TestSupport.Channels;
using StackExchange.Redis;

namespace Web.Tests;

/// <summary>
/// Two hosts, each with its own Redis: the router sends POST /api/games (no game id yet) to either, and the
/// game's players to the one its id hashes to. Web must leave nothing of the game in the Redis of the host that
/// took the request, or that host's idle sweep would end a game played elsewhere.
/// </summary>
public class TwoHostsTests
{
    [Fact]
    public async Task CreatingAGameWritesNothingIntoAChannelHostsRedisAndItsHostMarksItLiveOnTheFirstJoin()
    {
        await using var database = await TestDatabase.CreateMigratedAsync();
        await using var redisA = await RedisServerProcess.StartAsync();
        await using var redisB = await RedisServerProcess.StartAsync();
        await using var channelsB = ServiceProcess.StartWithServers("GameChannels", database, new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = redisB.Configuration,
        });
        await channelsB.WaitUntilReadyAsync();
        await using var webA = ServiceProcess.StartWithServers("Web", database, new()
        {
            ["PLATFORM_REDIS__CONFIGURATION"] = redisA.Configuration,
            ["PLATFORM_CHANNELS__PUBLICURL"] = channelsB.BaseAddress!.ToString().TrimEnd('/'),
        });
        await webA.WaitUntilReadyAsync();
        using var http = new HttpClient { BaseAddress = webA.BaseAddress, Timeout = TaskTimeouts.Default };

        var response = await http.PostAsJsonAsync("api/games", new { title = "chat", name = "Ann" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var gameId = created.GetProperty("gameId").GetString()!;

        using var a = await ConnectionMultiplexer.ConnectAsync(redisA.Configuration).DefaultTimeout();
        using var b = await ConnectionMultiplexer.ConnectAsync(redisB.Configuration).DefaultTimeout();
        var keysOfA = await a.GetServers()[0].KeysAsync(pattern: "*").ToListAsync().AsTask().DefaultTimeout();
        keysOfA.Select(k => (string)k!).ShouldBeEmpty("Web took the request on host A and must leave nothing there");

        // Host B, where the game is played, records it as live once its first player is in.
        await using var host = await ChannelClient.ConnectAsync(channelsB.BaseAddress!, gameId, created.GetProperty("token").GetString()!);
        await Eventually.TrueAsync(async () => await b.GetDatabase().SortedSetScoreAsync(RedisKeys.LiveGames, gameId) is not null,
            TimeSpan.FromSeconds(20), "host B marks the game live on its first join");
        (await a.GetDatabase().SortedSetScoreAsync(RedisKeys.LiveGames, gameId).DefaultTimeout()).ShouldBeNull();
    }
}

using System.Globalization;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public class MetricsTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Fact]
    public async Task UpgradesJoinsAndResumePagesAreTimedInMetrics()
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        var before = await CountsAsync(http);

        var game = await TestGames.CreateAsync(server.Database, 2);
        await using (var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]))
        await using (var b = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]))
        {
            await a.SendAsync("chat", new { text = "hi" });
        }

        // The class's tests share the server: counts only go up, by at least what this test did.
        var after = await CountsAsync(http);
        (after.Joins - before.Joins).ShouldBeGreaterThanOrEqualTo(2);
        (after.Resumes - before.Resumes).ShouldBeGreaterThanOrEqualTo(2);
        (after.Upgrades - before.Upgrades).ShouldBeGreaterThanOrEqualTo(1); // the /ws client's
    }

    private static async Task<(long Joins, long Resumes, long Upgrades)> CountsAsync(HttpClient http)
    {
        var lines = (await http.GetStringAsync("metrics").DefaultTimeout()).Split('\n');
        long Count(string name) => lines.Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Count("platform_channel_join_duration_seconds_count"), Count("platform_channel_resume_duration_seconds_count"),
            Count("platform_channel_upgrade_duration_seconds_count"));
    }
}

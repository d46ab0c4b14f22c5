using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public class MetricsTests(ChannelServer server) : IClassFixture<ChannelServer>
{
    [Fact]
    public async Task UpgradesJoinsAndResumePagesAreTimedInMetrics()
    {
        var before = await CountsAsync();

        var game = await TestGames.CreateAsync(server.Database, 2);
        await using (var a = await ChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[0]))
        await using (var b = await WsChannelClient.ConnectAsync(server.Address, game.GameId, game.Tokens[1]))
        {
            await a.SendAsync("chat", new { text = "hi" });
        }

        // The class's tests share the server: counts only go up, by at least what this test did.
        var after = await CountsAsync();
        (after.Joins - before.Joins).ShouldBeGreaterThanOrEqualTo(2);
        (after.Resumes - before.Resumes).ShouldBeGreaterThanOrEqualTo(2);
        (after.Upgrades - before.Upgrades).ShouldBeGreaterThanOrEqualTo(1); // the /ws client's
    }

    private async Task<(long Joins, long Resumes, long Upgrades)> CountsAsync()
    {
        var metrics = await ScrapedMetrics.ReadAsync(server.Address);
        return (metrics.Value("platform_channel_join_duration_seconds_count"), metrics.Value("platform_channel_resume_duration_seconds_count"),
            metrics.Value("platform_channel_upgrade_duration_seconds_count"));
    }
}

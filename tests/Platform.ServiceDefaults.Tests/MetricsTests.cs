using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Platform.TestSupport;

namespace Platform.ServiceDefaults.Tests;

public class MetricsTests
{
    [Fact]
    public async Task PlatformMetersAreScrapedAsPrometheusText()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddServiceDefaults();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync().DefaultTimeout();
        var service = new Uri(app.Urls.First() + "/");

        using var meter = new Meter("Platform.Tests.Metrics");
        var sent = meter.CreateCounter<long>("platform.test.messages", "{message}", "Messages sent");
        var latency = meter.CreateHistogram<double>("platform.test.latency", "s");
        var queued = 7;
        meter.CreateObservableGauge("platform.test.queued", () => queued, "{job}");
        var connected = meter.CreateUpDownCounter<long>("platform.test.connected", "{connection}");
        connected.Add(5);
        connected.Add(-2);

        sent.Add(2, new KeyValuePair<string, object?>("game", "K7Q\"X"));
        sent.Add(1, new KeyValuePair<string, object?>("game", "K7Q\"X"));
        latency.Record(0.02);
        latency.Record(3);

        using var http = new HttpClient { BaseAddress = service };
        var text = await http.GetStringAsync("metrics").DefaultTimeout();
        var scraped = new ScrapedMetrics(text);

        // Names as operators query them: units as suffixes, counters with _total, "{...}" annotations dropped.
        text.ShouldContain("# HELP platform_test_messages_total Messages sent\n");
        text.ShouldContain("# TYPE platform_test_messages_total counter\n");
        text.ShouldContain("platform_test_messages_total{otel_scope_name=\"Platform.Tests.Metrics\",game=\"K7Q\\\"X\"} 3\n");
        scraped.Value("platform_test_messages_total{game=\"K7Q\\\"X\"}").ShouldBe(3);
        text.ShouldContain("# TYPE platform_test_latency_seconds histogram\n");
        scraped.Value("platform_test_latency_seconds_bucket{le=\"+Inf\"}").ShouldBe(2);
        scraped.Value("platform_test_latency_seconds_count").ShouldBe(2);
        text.ShouldContain("platform_test_latency_seconds_sum{otel_scope_name=\"Platform.Tests.Metrics\"} 3.02\n");
        scraped.Value("platform_test_queued").ShouldBe(7);
        text.ShouldContain("# TYPE platform_test_connected gauge\n", customMessage: "an up-down counter can fall: not a Prometheus counter");
        scraped.Value("platform_test_connected").ShouldBe(3);

        sent.Add(4, new KeyValuePair<string, object?>("game", "K7Q\"X"));
        new ScrapedMetrics(await http.GetStringAsync("metrics").DefaultTimeout())
            .Value("platform_test_messages_total{game=\"K7Q\\\"X\"}").ShouldBe(7, "counters are cumulative, and a scrape is not served from a cache");
        await app.StopAsync().DefaultTimeout();
    }
}

using System.Diagnostics.Metrics;
using Platform.ServiceDefaults.Metrics;

namespace Platform.ServiceDefaults.Tests;

public class MetricsTests
{
    [Fact]
    public void PlatformMetersAreScrapedAsPrometheusText()
    {
        using var scraper = new MetricsScraper();
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

        var text = scraper.Scrape();

        text.ShouldContain("# HELP platform_test_messages_total Messages sent\n");
        text.ShouldContain("# TYPE platform_test_messages_total counter\n");
        text.ShouldContain("platform_test_messages_total{game=\"K7Q\\\"X\"} 3\n");
        text.ShouldContain("# TYPE platform_test_latency_seconds histogram\n");
        text.ShouldContain("platform_test_latency_seconds_bucket{le=\"+Inf\"} 2\n");
        text.ShouldContain("platform_test_latency_seconds_count 2\n");
        text.ShouldContain("platform_test_latency_seconds_sum 3.02\n");
        text.ShouldContain("platform_test_queued 7\n");
        text.ShouldContain("# TYPE platform_test_connected gauge\n", customMessage: "an up-down counter can fall: not a Prometheus counter");
        text.ShouldContain("platform_test_connected 3\n");

        sent.Add(4, new KeyValuePair<string, object?>("game", "K7Q\"X"));
        scraper.Scrape().ShouldContain("platform_test_messages_total{game=\"K7Q\\\"X\"} 7\n", customMessage: "counters are cumulative");
    }
}

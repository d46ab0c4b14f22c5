using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Platform.ServiceDefaults.Metrics;

/// <summary>
/// Hands the metrics OpenTelemetry has aggregated to whoever asked for a collection, the way the (absent)
/// Prometheus exporter package does: the reader only collects when /metrics is scraped.
/// </summary>
internal sealed class PullMetricExporter : BaseExporter<Metric>
{
    public Action<Batch<Metric>>? OnExport { get; set; }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        OnExport?.Invoke(batch);
        return ExportResult.Success;
    }
}

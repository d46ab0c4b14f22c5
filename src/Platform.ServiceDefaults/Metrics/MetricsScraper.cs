using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Platform.ServiceDefaults.Metrics;

/// <summary>
/// Owns the process's OpenTelemetry meter provider and renders a Prometheus scrape on demand. The meters
/// listed here are ASP.NET Core's own (requests, connections, queued connections and requests, SignalR),
/// the runtime's (CPU, memory, GC) and every meter the platform names "Platform.*".
/// </summary>
public sealed class MetricsScraper : IDisposable
{
    private static readonly string[] Meters =
    [
        "Platform.*",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.SignalR",
        "System.Runtime",
    ];

    private readonly Lock _gate = new();
    private readonly PullMetricExporter _exporter = new();
    private readonly BaseExportingMetricReader _reader;
    private readonly MeterProvider _provider;
    private StringBuilder? _scrape;

    public MetricsScraper()
    {
        _exporter.OnExport = batch =>
        {
            foreach (var metric in batch)
            {
                PrometheusText.Write(_scrape!, metric);
            }
        };
        _reader = new BaseExportingMetricReader(_exporter)
        {
            TemporalityPreference = MetricReaderTemporalityPreference.Cumulative,
        };
        _provider = Sdk.CreateMeterProviderBuilder().AddMeter(Meters).AddReader(_reader).Build();
    }

    /// <summary>Collects every instrument now and returns the Prometheus text.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            _scrape = new StringBuilder();
            try
            {
                _reader.Collect(timeoutMilliseconds: 5_000);
                return _scrape.ToString();
            }
            finally
            {
                _scrape = null;
            }
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _exporter.Dispose();
    }
}

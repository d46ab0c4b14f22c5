using System.Globalization;

namespace Platform.TestSupport;

/// <summary>One scrape of a service's /metrics (Prometheus text), read by series.</summary>
public sealed class ScrapedMetrics(string text)
{
    private readonly string[] _lines = text.Split('\n');

    public static async Task<ScrapedMetrics> ReadAsync(Uri service)
    {
        using var http = new HttpClient { BaseAddress = service };
        return new ScrapedMetrics(await http.GetStringAsync("metrics").DefaultTimeout());
    }

    /// <summary>The value of one series, named with its labels as the scrape writes them; 0 if absent.</summary>
    public long Value(string series) => _lines.Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
        .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
}

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

    /// <summary>
    /// The value of one series, written as a query would: <c>name</c> or <c>name{label="value",...}</c>.
    /// Labels not named (the exporter's <c>otel_scope_name</c>, for one) may be on the line too; 0 if absent.
    /// </summary>
    public long Value(string series)
    {
        var brace = series.IndexOf('{');
        var name = brace < 0 ? series : series[..brace];
        var wanted = brace < 0 ? [] : series[(brace + 1)..^1].Split(',');
        foreach (var line in _lines.Where(l => !l.StartsWith('#')))
        {
            var end = line.IndexOfAny(['{', ' ']);
            if (end < 0 || line[..end] != name)
            {
                continue;
            }
            var labels = line[end] == '{' ? "," + line[(end + 1)..line.LastIndexOf('}')] + "," : "";
            if (wanted.All(label => labels.Contains("," + label + ",", StringComparison.Ordinal)))
            {
                // name{labels} value [timestamp]
                var value = line[(line[end] == '{' ? line.LastIndexOf('}') + 2 : end + 1)..].Split(' ')[0];
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}

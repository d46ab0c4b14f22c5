using System.Globalization;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Platform.ServiceDefaults.Metrics;

/// <summary>Writes OpenTelemetry metric points in the Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusText
{
    public static void Write(StringBuilder text, Metric metric)
    {
        var name = MetricName(metric);
        var isCounter = metric.MetricType is MetricType.LongSum or MetricType.DoubleSum;
        var isHistogram = metric.MetricType is MetricType.Histogram;
        if (metric.MetricType is MetricType.ExponentialHistogram)
        {
            return; // not produced by the default views; nothing of ours records one
        }
        if (isCounter)
        {
            name += "_total";
        }
        var type = isCounter ? "counter" : isHistogram ? "histogram" : "gauge";
        if (!string.IsNullOrEmpty(metric.Description))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(Escape(metric.Description, help: true)).Append('\n');
        }
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var labels = Labels(point.Tags);
            if (isHistogram)
            {
                long cumulative = 0;
                foreach (var bucket in point.GetHistogramBuckets())
                {
                    cumulative += bucket.BucketCount;
                    var le = double.IsPositiveInfinity(bucket.ExplicitBound) ? "+Inf" : Number(bucket.ExplicitBound);
                    Sample(text, name + "_bucket", WithLabel(labels, "le", le), cumulative.ToString(CultureInfo.InvariantCulture));
                }
                Sample(text, name + "_sum", labels, Number(point.GetHistogramSum()));
                Sample(text, name + "_count", labels, point.GetHistogramCount().ToString(CultureInfo.InvariantCulture));
                continue;
            }
            var value = metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(CultureInfo.InvariantCulture),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => Number(point.GetSumDouble()),
                MetricType.LongGauge => point.GetGaugeLastValueLong().ToString(CultureInfo.InvariantCulture),
                _ => Number(point.GetGaugeLastValueDouble()),
            };
            Sample(text, name, labels, value);
        }
    }

    /// <summary><c>http.server.request.duration</c> in <c>s</c> becomes <c>http_server_request_duration_seconds</c>.</summary>
    internal static string MetricName(Metric metric)
    {
        var name = Sanitize(metric.Name);
        var unit = metric.Unit switch
        {
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ => null, // "{request}"-style annotations and "1" add nothing to the name
        };
        return unit is null || name.EndsWith("_" + unit, StringComparison.Ordinal) ? name : name + "_" + unit;
    }

    private static string Labels(ReadOnlyTagCollection tags)
    {
        var labels = new StringBuilder();
        foreach (var tag in tags)
        {
            labels.Append(labels.Length == 0 ? "" : ",")
                .Append(Sanitize(tag.Key)).Append("=\"").Append(Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", help: false)).Append('"');
        }
        return labels.ToString();
    }

    private static string WithLabel(string labels, string key, string value) =>
        (labels.Length == 0 ? "" : labels + ",") + key + "=\"" + value + "\"";

    private static void Sample(StringBuilder text, string name, string labels, string value)
    {
        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').Append(labels).Append('}');
        }
        text.Append(' ').Append(value).Append('\n');
    }

    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_' && chars[i] != ':')
            {
                chars[i] = '_';
            }
        }
        return char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static string Escape(string value, bool help) =>
        help
            ? value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}

using System.Globalization;

namespace LoadGen;

/// <summary>What one run does. Every loop it drives is bounded by these counts and times.</summary>
internal sealed record Options(
    string Scenario, Uri Web, int Games, int Players, double Rate, int Size, TimeSpan Duration,
    string Title, int[] Pids, string? Redis, string? Output, int ConnectConcurrency, double MaxP99Ms, string Transport)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }
            values[args[i][2..]] = args[++i];
        }
        string Get(string name, string fallback) => values.TryGetValue(name, out var v) ? v : fallback;
        double Number(string name, double fallback) => double.Parse(Get(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        return new Options(
            Scenario: Get("scenario", "custom"),
            Web: new Uri(Get("web", "http://127.0.0.1:8080")),
            Games: (int)Number("games", 50),
            Players: (int)Number("players", 4),
            Rate: Number("rate", 1),
            Size: (int)Number("size", 100),
            Duration: TimeSpan.FromSeconds(Number("duration", 20)),
            Title: Get("title", "chat"),
            Pids: Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(),
            Redis: values.GetValueOrDefault("redis"),
            Output: values.GetValueOrDefault("output"),
            ConnectConcurrency: (int)Number("connect-concurrency", 64),
            MaxP99Ms: Number("max-p99", double.PositiveInfinity),
            Transport: Get("transport", "ws") is "ws" or "signalr" ? Get("transport", "ws") : throw new ArgumentException("--transport is ws or signalr"));
    }
}

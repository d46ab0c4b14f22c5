using System.Globalization;

namespace LoadGen;

/// <summary>What one run does. Every loop it drives is bounded by these counts and times.</summary>
internal sealed record Options(
    string Scenario, Uri Web, Uri? Bare, int Games, int Players, double Rate, int Size, TimeSpan Duration,
    string Title, int[] Pids, string? Redis, Uri? ServerMetrics, string? Output, int ConnectConcurrency, double MaxP99Ms, string Transport,
    TimeSpan Warmup, TimeSpan DropEvery, TimeSpan GameTime, TimeSpan SampleEvery, string? Rendezvous, int Parts, string? Latencies,
    string[] Merge, string ResumeBy)
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
        TimeSpan Seconds(string name, double fallback) => TimeSpan.FromSeconds(Number(name, fallback));

        var bare = values.TryGetValue("bare", out var relay) ? new Uri(relay) : null;
        var transport = Get("transport", "ws");
        if (transport is not ("ws" or "signalr") || (bare is not null && transport != "ws"))
        {
            throw new ArgumentException("--transport is ws or signalr (the bare relay speaks ws only)");
        }
        // How a connection gets its first pages: url, ?after= in the channel URL (the server sends them at once), or
        // request, a resume request once connected (the way before ?after=, to compare the two in one session).
        // The bare relay knows no ?after= and answers a resume with an empty page: request.
        var resumeBy = Get("resume-by", bare is null ? "url" : "request");
        if (resumeBy is not ("url" or "request") || (bare is not null && resumeBy != "request"))
        {
            throw new ArgumentException("--resume-by is url or request (the bare relay knows request only)");
        }
        return new Options(
            Scenario: Get("scenario", "custom"),
            Web: new Uri(Get("web", "http://127.0.0.1:8080")),
            // ws://127.0.0.1:PORT of bench/BareRelay: games are made up here instead of through the Web API.
            Bare: bare,
            Games: (int)Number("games", 50),
            Players: (int)Number("players", 4),
            Rate: Number("rate", 1),
            Size: (int)Number("size", 100),
            Duration: Seconds("duration", 20),
            Title: Get("title", "chat"),
            Pids: Get("pids", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(),
            Redis: values.GetValueOrDefault("redis"),
            // GameChannels' /metrics: its garbage collector's pauses over the measured time.
            ServerMetrics: values.TryGetValue("server-metrics", out var metrics) ? new Uri(metrics) : null,
            Output: values.GetValueOrDefault("output"),
            ConnectConcurrency: (int)Number("connect-concurrency", 64),
            MaxP99Ms: Number("max-p99", double.PositiveInfinity),
            Transport: transport,
            // Sending before the measured time, at the same rate (steady scenarios).
            Warmup: Seconds("warmup", 5),
            // Resume: every so often a third of the players drop their connection and resume (0: never).
            DropEvery: Seconds("drop-every", 0),
            // Churn: each game is played this long, ended by its host and replaced by a new one (0: no churn).
            GameTime: Seconds("game-seconds", 0),
            SampleEvery: Seconds("sample-every", 5),
            // Several load generators started together: a shared folder where they wait for one another.
            Rendezvous: values.GetValueOrDefault("rendezvous"),
            Parts: (int)Number("parts", 1),
            Latencies: values.GetValueOrDefault("latencies"),
            Merge: Get("merge", "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            ResumeBy: resumeBy);
    }
}

using System.Diagnostics.Metrics;

namespace GameChannels.Core;

/// <summary>The channel server's figures, scraped from /metrics as platform_channel_*.</summary>
public sealed class ChannelMetrics
{
    private readonly Counter<long> _appended;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _droppedSlow;
    private readonly Counter<long> _sendsWaited;
    private readonly Counter<long> _logResets;
    private readonly Counter<long> _rulesFailures;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _upgrades;
    private readonly Histogram<double> _appendSeconds;
    private readonly Histogram<double> _joinSeconds;
    private readonly Histogram<double> _resumeSeconds;
    private readonly Histogram<double> _upgradeSeconds;
    private readonly Meter _meter;

    // From half a millisecond to a second: where a round trip to Redis, a lock wait and a GC pause fall.
    private static readonly InstrumentAdvice<double> Buckets = new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] };

    public ChannelMetrics(IMeterFactory meters)
    {
        var meter = meters.Create("Platform.GameChannels");
        _appended = meter.CreateCounter<long>("platform.channel.messages.appended", "{message}", "Messages given a number and logged");
        _delivered = meter.CreateCounter<long>("platform.channel.messages.delivered", "{message}", "Messages handed to a connection");
        _refused = meter.CreateCounter<long>("platform.channel.refused", "{message}", "Requests refused, by error code");
        _rulesFailures = meter.CreateCounter<long>("platform.channel.rules.failures", "{failure}",
            "Exceptions thrown by a title's rules module, by title (a judged message is rejected)");
        _droppedSlow = meter.CreateCounter<long>("platform.channel.connections.dropped_slow", "{connection}", "Connections dropped because their send queue was full");
        _sendsWaited = meter.CreateCounter<long>("platform.channel.sends.waited", "{message}",
            "Players' messages that waited for their game's earlier messages to reach Redis (Channels:MaxPendingPerGame)");
        _logResets = meter.CreateCounter<long>("platform.channel.log_resets", "{game}",
            "Game logs found shorter than what was relayed (Redis lost them or their last writes), each gone on in a new epoch");
        _connections = meter.CreateUpDownCounter<long>("platform.channel.connections", "{connection}", "Open game connections");
        _upgrades = meter.CreateCounter<long>("platform.channel.upgrades", "{connection}",
            "Plain WebSocket upgrades accepted, by way: direct (below HTTP) or http");
        _appendSeconds = meter.CreateHistogram("platform.channel.append.duration", "s", "Time to append one message to the Redis log", advice: Buckets);
        _joinSeconds = meter.CreateHistogram("platform.channel.join.duration", "s",
            "Time for a new connection to join its game (the room loaded if new, the seat checked, presence recorded)", advice: Buckets);
        _resumeSeconds = meter.CreateHistogram("platform.channel.resume.duration", "s",
            "Time to answer one resume request (the game's lock and one page read)", advice: Buckets);
        _upgradeSeconds = meter.CreateHistogram("platform.channel.upgrade.duration", "s",
            "Time from a new connection to its answered /ws upgrade, for upgrades taken below HTTP (the client's sending of its request included)",
            advice: Buckets);
        _meter = meter;
    }

    /// <summary>Reports the number of games with a connection, read when /metrics is scraped.</summary>
    public void ObserveGames(Func<int> games) =>
        _meter.CreateObservableGauge("platform.channel.games", games, "{game}", "Games with a connection on this server");

    public void Appended(TimeSpan took)
    {
        _appended.Add(1);
        _appendSeconds.Record(took.TotalSeconds);
    }

    public void Joined(TimeSpan took) => _joinSeconds.Record(took.TotalSeconds);

    public void Resumed(TimeSpan took) => _resumeSeconds.Record(took.TotalSeconds);

    public void Delivered() => _delivered.Add(1);

    public void Refused(string code) => _refused.Add(1, new KeyValuePair<string, object?>("code", code));

    public void RulesFailed(string title) => _rulesFailures.Add(1, new KeyValuePair<string, object?>("title", title));

    public void DroppedSlow() => _droppedSlow.Add(1);

    public void SendWaited() => _sendsWaited.Add(1);

    public void LogReset() => _logResets.Add(1);

    public void Connected(int change) => _connections.Add(change);

    public void Upgraded(string via) => _upgrades.Add(1, new KeyValuePair<string, object?>("via", via));

    public void UpgradeAnswered(TimeSpan took) => _upgradeSeconds.Record(took.TotalSeconds);
}

using GameChannels.Rules;
using Platform.Archive.Games;
using Microsoft.Extensions.Options;
using Platform.Games;
using Platform.Redis;

namespace GameChannels.Core;

/// <summary>What every game room shares: the stores, the limits, the clock, the rules, the meters.</summary>
public sealed class RoomServices(
    GameLog log, GamePresence presence, GameEnding ending, IOptions<ChannelOptions> options, TimeProvider time,
    IEnumerable<ITitleRules> rules, ChannelMetrics metrics, ChannelErrors errors, ILogger<RulesGuard> rulesLog,
    ILogger<GameRoom> roomLog, IOptions<SeatOptions> seats, IGameStore store)
{
    public SeatOptions Seats { get; } = seats.Value;

    /// <summary>The rooms' log (GameChannels.Core.GameRoom).</summary>
    public ILogger RoomLog => roomLog;

    public GameLog Log => log;

    public GamePresence Presence => presence;

    /// <summary>The archive's games and seats: who holds a seat that was left for good.</summary>
    public IGameStore Store => store;

    public GameEnding Ending => ending;

    public ChannelOptions Options { get; } = options.Value;

    public TimeProvider Time => time;

    public IReadOnlyDictionary<string, ITitleRules> Rules { get; } = rules.ToDictionary(r => r.TitleId);

    public ChannelMetrics Metrics => metrics;

    /// <summary>A new connection's own rate limit (Channels:MessagesPerSecondPerConnection and its burst).</summary>
    public TokenBucket ConnectionLimiter() => new(time, Options.MessagesPerSecondPerConnection, Options.BurstPerConnection);

    /// <summary>What a client is told of a failure, the same on both transports.</summary>
    public ChannelErrors Errors => errors;

    /// <summary>A fresh state of a title's rules for one game, behind the guard; null for a title without rules.</summary>
    public IRulesState? NewRules(string gameId, string titleId) =>
        Rules.TryGetValue(titleId, out var rules) ? new RulesGuard(rules.NewGame(), gameId, titleId, metrics, rulesLog) : null;
}

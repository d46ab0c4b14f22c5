using System.Text.Json;
using GameChannels.Rules;

namespace GameChannels.Core;

/// <summary>
/// Stands between a game room and its title's rules, so that no rules module can break a connection or a
/// relay: an exception from Judge becomes a rejection, one from SeatLeft keeps the seat, one from Observe is passed over. Each is counted by title
/// (platform_channel_rules_failures_total) and logged once, as a warning, with the game and the title.
/// </summary>
public sealed class RulesGuard(IRulesState rules, string gameId, string titleId, ChannelMetrics metrics, ILogger<RulesGuard> logger)
    : IRulesState
{
    public const string CouldNotJudge = "the rules could not judge this message";

    public Verdict Judge(int seat, string type, JsonElement body, int? to)
    {
        try
        {
            return rules.Judge(seat, type, body, to);
        }
        catch (Exception e)
        {
            metrics.RulesFailed(titleId);
            logger.JudgeFailed(gameId, titleId, type, e);
            return Verdict.Reject(CouldNotJudge);
        }
    }

    public Verdict? SeatLeft(int seat)
    {
        try
        {
            return rules.SeatLeft(seat);
        }
        catch (Exception e)
        {
            metrics.RulesFailed(titleId);
            logger.JudgeFailed(gameId, titleId, "seat leaving", e);
            return null;
        }
    }

    public void Observe(int? fromSeat, string type, JsonElement body)
    {
        try
        {
            rules.Observe(fromSeat, type, body);
        }
        catch (Exception e)
        {
            metrics.RulesFailed(titleId);
            logger.ObserveFailed(gameId, titleId, type, e);
        }
    }
}

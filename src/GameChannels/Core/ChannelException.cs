namespace GameChannels.Core;

/// <summary>
/// A refusal the sender is told about, with a stable code: too_large, rate_limited, bad_request, game_ended,
/// rejected (by the title's rules), forbidden. (unauthorized is answered at connect, before the hub.)
/// </summary>
public sealed class ChannelException(string code, string detail) : Exception($"{code}: {detail}")
{
    public string Code { get; } = code;

    public static ChannelException TooLarge(int bytes, int limit) => new("too_large", $"the message is {bytes} bytes; the limit is {limit}");

    public static ChannelException RateLimited(string what) => new("rate_limited", $"too many messages {what}; slow down and retry");

    public static ChannelException BadRequest(string detail) => new("bad_request", detail);

    public static ChannelException GameEnded(string gameId) => new("game_ended", $"game {gameId} has ended");
}

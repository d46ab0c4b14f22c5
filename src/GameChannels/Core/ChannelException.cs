using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// A refusal the sender is told about, with a stable code from <see cref="ErrorCodes"/>. (unauthorized is
/// answered at connect, before the transports.)
/// </summary>
public sealed class ChannelException(string code, string detail) : Exception($"{code}: {detail}")
{
    public string Code { get; } = code;

    public static ChannelException TooLarge(int bytes, int limit) => new(ErrorCodes.TooLarge, $"the message is {bytes} bytes; the limit is {limit}");

    public static ChannelException RateLimited(string what) => new(ErrorCodes.RateLimited, $"too many messages {what}; slow down and retry");

    public static ChannelException BadRequest(string detail) => new(ErrorCodes.BadRequest, detail);

    public static ChannelException GameEnded(string gameId) => new(ErrorCodes.GameEnded, $"game {gameId} has ended");

    public static ChannelException Forbidden(string detail) => new(ErrorCodes.Forbidden, detail);

    public static ChannelException NotHost() => Forbidden("only the host (seat 1) can end the game");

    public static ChannelException PlayerLeft(string gameId) =>
        new(ErrorCodes.PlayerLeft, $"you left game {gameId} and your seat was given up; join the game again");

    public static ChannelException Rejected(string detail) => new(ErrorCodes.Rejected, detail);
}

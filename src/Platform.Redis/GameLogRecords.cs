using System.Globalization;
using Platform.Games;

namespace Platform.Redis;

/// <summary>One message as the log holds it.</summary>
public sealed record LoggedMessage(long Seq, string Tail, string From, int? To)
{
    public RawJson Envelope => Envelopes.Complete(Seq, Tail);

    /// <summary>Whether the player in <paramref name="seat"/> may see it: direct messages go to their seat and sender only.</summary>
    public bool VisibleTo(int seat) => To is null || To == seat || From == seat.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// A logged message's number; <c>Duplicate</c> if its client id was logged before (the first number);
/// <c>NewEpoch</c> if the log turned out shorter than its caller knew it and a new epoch began with this append.
/// </summary>
public sealed record AppendResult(long Seq, bool Duplicate, string? NewEpoch = null);

public sealed record GameLogState(long LatestSeq, string Epoch, string? Status);

/// <summary>What a caller knows of a game's log: a number it saw logged, in which epoch (default: nothing).</summary>
public readonly record struct LogKnown(long Seq, string? Epoch);

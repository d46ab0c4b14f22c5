using System.Text.Json;
using GameChannels.Rules;

namespace GameChannels.Core;

/// <summary>
/// A game's rules with what the room keeps beside them: who holds which seat and since when it is away (for the
/// grace period, GameRoom.Seats.cs). Both see every logged message, relayed or read again, as it was written:
/// its sender, type, body and time, without parsing again the JSON the room has just written.
/// </summary>
public sealed class RoomRules(IRulesState rules)
{
    public IRulesState Rules => rules;

    public SeatLog Seats { get; } = new();

    public void Observe(int? fromSeat, string type, JsonElement body, long timestampMs)
    {
        rules.Observe(fromSeat, type, body);
        Seats.Observe(type, body, timestampMs);
    }
}

/// <summary>Who holds which seat and since when it is away, read from the log's system messages.</summary>
public sealed class SeatLog
{
    public Dictionary<int, string> Names { get; } = [];

    public Dictionary<int, long> AwaySinceMs { get; } = [];

    public HashSet<int> EverLeft { get; } = [];

    public void Observe(string type, JsonElement body, long ts)
    {
        if (!type.StartsWith("player.", StringComparison.Ordinal) || body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("seat", out var value) || !value.TryGetInt32(out var seat))
        {
            return;
        }
        switch (type)
        {
            case "player.joined":
                Names[seat] = body.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "";
                AwaySinceMs.Remove(seat);
                break;
            case "player.connected":
                AwaySinceMs.Remove(seat);
                break;
            case "player.disconnected":
                AwaySinceMs[seat] = ts;
                break;
            case "player.left":
                Names.Remove(seat);
                AwaySinceMs.Remove(seat);
                EverLeft.Add(seat);
                break;
        }
    }
}

using System.Text.Json;

namespace GameChannels.Core;

public sealed partial class GameRoom
{
    private sealed record SeatName(int Seat, string Name);

    private sealed record SeatOnly(int Seat);

    private sealed record SeatReason(int Seat, string Reason);

    private sealed record EndedBy(string Reason, int? By);

    private static readonly JsonSerializerOptions SystemJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static JsonElement Json<T>(T body) => JsonSerializer.SerializeToElement(body, SystemJson);
}

using System.Text.Json;
using Platform.Games;

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

    /// <summary>Checks a player's message before it takes the lock: the answer to a malformed one is bad_request.</summary>
    private (string ClientMsgId, string Type, JsonElement Body) Validate(SendRequest? request)
    {
        if (request is null)
        {
            throw ChannelException.BadRequest("send {clientMsgId, type, body, to?}");
        }
        if (request.ClientMsgId is not { Length: >= 1 and <= 64 } clientMsgId)
        {
            throw ChannelException.BadRequest("clientMsgId must be a string of 1 to 64 characters");
        }
        if (request.Type is not { Length: >= 1 and <= 40 } type || !type.All(IsTypeChar))
        {
            throw ChannelException.BadRequest("type must be 1 to 40 characters of a-z, A-Z, 0-9, '.', '_', '-' or ':'");
        }
        if (type.StartsWith("player.", StringComparison.Ordinal) || type.StartsWith("game.", StringComparison.Ordinal))
        {
            throw ChannelException.BadRequest("types starting with 'player.' or 'game.' are the server's own");
        }
        if (request.To is { } to && (to < 1 || to > Seats))
        {
            throw ChannelException.BadRequest($"to must be a seat from 1 to {Seats}");
        }
        var body = request.Body.ValueKind == JsonValueKind.Undefined ? JsonNull : request.Body;
        return (clientMsgId, type, body);
    }

    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement;

    private static bool IsTypeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':';
}

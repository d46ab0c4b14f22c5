using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Platform.Games;

namespace GameChannels.Core;

/// <summary>A player's message as the room takes it: checked once, by <see cref="SendRequests.Parse"/>.</summary>
public sealed record PlayerMessage(string ClientMsgId, string Type, JsonElement Body, int? To);

/// <summary>
/// Reads and checks a Send argument by hand rather than through the transport's binder, so that any malformed
/// message gets a bad_request that says what is wrong instead of a generic invocation failure. The room checks
/// only what needs the game: the seat of a direct message.
/// </summary>
public static class SendRequests
{
    public const string NotUtf8 = "a record must be UTF-8 text";

    /// <summary>Reads a Send; <paramref name="envelopeFields"/> are the transport's own fields, passed over.</summary>
    public static PlayerMessage Parse(JsonElement message, params string[] envelopeFields)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw ChannelException.BadRequest("send an object {clientMsgId, type, body, to?}");
        }
        if (!Utf8.IsValid(JsonMarshal.GetRawUtf8Value(message)))
        {
            // The parser takes such bytes as they are; reading a name or a string of them would throw.
            throw ChannelException.BadRequest(NotUtf8);
        }
        string? clientMsgId = null, type = null;
        int? to = null;
        var body = default(JsonElement);
        foreach (var property in message.EnumerateObject())
        {
            switch (property.Name)
            {
                case "clientMsgId":
                    clientMsgId = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                        : throw ChannelException.BadRequest("clientMsgId must be a string");
                    break;
                case "type":
                    type = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                        : throw ChannelException.BadRequest("type must be a string");
                    break;
                case "body":
                    body = property.Value;
                    break;
                case "to":
                    to = property.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.Number when property.Value.TryGetInt32(out var seat) => seat,
                        _ => throw ChannelException.BadRequest("to must be a seat number"),
                    };
                    break;
                default:
                    if (!envelopeFields.Contains(property.Name))
                    {
                        throw ChannelException.BadRequest($"unknown field '{property.Name}'");
                    }
                    break;
            }
        }
        return Checked(clientMsgId, type, body, to);
    }

    private static PlayerMessage Checked(string? clientMsgId, string? type, JsonElement body, int? to)
    {
        if (clientMsgId is not { Length: >= 1 and <= 64 })
        {
            throw ChannelException.BadRequest("clientMsgId must be a string of 1 to 64 characters");
        }
        if (type is not { Length: >= 1 and <= 40 } || !type.All(IsTypeChar))
        {
            throw ChannelException.BadRequest("type must be 1 to 40 characters of a-z, A-Z, 0-9, '.', '_', '-' or ':'");
        }
        if (type.StartsWith("player.", StringComparison.Ordinal) || type.StartsWith("game.", StringComparison.Ordinal))
        {
            throw ChannelException.BadRequest("types starting with 'player.' or 'game.' are the server's own");
        }
        return new PlayerMessage(clientMsgId, type, body.ValueKind == JsonValueKind.Undefined ? JsonNull : body, to);
    }

    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement;

    private static bool IsTypeChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':';
}

using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;
using Platform.Games;

namespace GameChannels.Core;

/// <summary>
/// Reads a Send argument by hand rather than through the transport's binder, so that any malformed message
/// gets a bad_request that says what is wrong instead of a generic invocation failure.
/// </summary>
public static class SendRequests
{
    public const string NotUtf8 = "a record must be UTF-8 text";

    /// <summary>Reads a Send; <paramref name="envelopeFields"/> are the transport's own fields, passed over.</summary>
    public static SendRequest Parse(JsonElement message, params string[] envelopeFields)
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
        return new SendRequest(clientMsgId, type, body, to);
    }
}

using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.Games;

/// <summary>
/// Builds the envelope of a logged message once. Everything but the sequence number is known before the
/// append, so it is written up front as the envelope's "tail"; the log stores the tail, and the envelope a
/// client receives is <c>{"seq":N,</c> + tail, for the live relay and for every later read alike.
/// </summary>
public static class Envelopes
{
    public const string System = "system";

    /// <summary>
    /// The JSON members after <c>seq</c>, closing brace included:
    /// <c>"from":2,"type":"move","body":{...},"ts":1763700000000,"clientMsgId":"c1","to":1}</c>.
    /// </summary>
    public static string Tail(int? fromSeat, string type, JsonElement body, long timestampMs, string? clientMsgId, int? to)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (fromSeat is { } seat)
            {
                writer.WriteNumber("from", seat);
            }
            else
            {
                writer.WriteString("from", System);
            }
            writer.WriteString("type", type);
            writer.WritePropertyName("body");
            body.WriteTo(writer);
            writer.WriteNumber("ts", timestampMs);
            if (clientMsgId is not null)
            {
                writer.WriteString("clientMsgId", clientMsgId);
            }
            if (to is { } recipient)
            {
                writer.WriteNumber("to", recipient);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan[1..]);
    }

    /// <summary>The full envelope a client receives.</summary>
    public static RawJson Complete(long seq, string tail)
    {
        var prefix = "{\"seq\":" + seq.ToString(CultureInfo.InvariantCulture) + ",";
        var bytes = new byte[Encoding.UTF8.GetByteCount(prefix) + Encoding.UTF8.GetByteCount(tail)];
        var written = Encoding.UTF8.GetBytes(prefix, bytes);
        Encoding.UTF8.GetBytes(tail, bytes.AsSpan(written));
        return new RawJson(bytes);
    }
}

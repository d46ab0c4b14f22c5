using System.Buffers.Text;
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
        var written = JsonScratch.Write((fromSeat, type, body, timestampMs, clientMsgId, to), static (writer, m) =>
        {
            writer.WriteStartObject();
            if (m.fromSeat is { } seat)
            {
                writer.WriteNumber("from", seat);
            }
            else
            {
                writer.WriteString("from", System);
            }
            writer.WriteString("type", m.type);
            writer.WritePropertyName("body");
            m.body.WriteTo(writer);
            writer.WriteNumber("ts", m.timestampMs);
            if (m.clientMsgId is not null)
            {
                writer.WriteString("clientMsgId", m.clientMsgId);
            }
            if (m.to is { } recipient)
            {
                writer.WriteNumber("to", recipient);
            }
            writer.WriteEndObject();
        });
        return Encoding.UTF8.GetString(written[1..]);
    }

    /// <summary>The number of an envelope built by <see cref="Complete"/>, read from its fixed prefix.</summary>
    public static long SeqOf(RawJson envelope)
    {
        var digits = envelope.Utf8.Span["{\"seq\":".Length..];
        return Utf8Parser.TryParse(digits, out long seq, out _) ? seq
            : throw new FormatException("an envelope starts with {\"seq\":N,");
    }

    /// <summary>The full envelope a client receives.</summary>
    public static RawJson Complete(long seq, string tail)
    {
        Span<byte> prefix = stackalloc byte[32];
        "{\"seq\":"u8.CopyTo(prefix);
        Utf8Formatter.TryFormat(seq, prefix[7..], out var digits);
        prefix[7 + digits] = (byte)',';
        var length = 8 + digits;
        var bytes = new byte[length + Encoding.UTF8.GetByteCount(tail)];
        prefix[..length].CopyTo(bytes);
        Encoding.UTF8.GetBytes(tail, bytes.AsSpan(length));
        return new RawJson(bytes);
    }
}

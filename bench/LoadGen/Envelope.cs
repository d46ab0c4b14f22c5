using System.Buffers.Text;
using System.Text.Json;

namespace LoadGen;

/// <summary>
/// What the checks need of one envelope (docs/protocol.md section 7): its number, its sender's seat (0 for the
/// system), whether it is a load-generator message (type "m"), the sender's count n from its clientMsgId
/// "seat-n", and the sending time t from its body. Read straight from the bytes, without building a document:
/// ten thousand players each read every message of their game, and the generator shares the cores with the
/// server it measures.
/// </summary>
internal readonly record struct Envelope(long Seq, int From, bool IsMessage, long Count, long SentAt)
{
    /// <summary>Reads the envelope object at <paramref name="utf8"/> (one JSON object, nothing around it).</summary>
    public static Envelope Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        return Read(ref reader);
    }

    /// <summary>Reads the object <paramref name="reader"/> is at (StartObject), leaving it at its EndObject.</summary>
    public static Envelope Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("an envelope is a JSON object");
        }
        long seq = -1, count = 0, sentAt = 0;
        var from = 0;
        var isMessage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                seq = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("from"u8))
            {
                reader.Read();
                from = reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : 0;
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                isMessage = reader.ValueTextEquals("m"u8);
            }
            else if (reader.ValueTextEquals("clientMsgId"u8))
            {
                reader.Read();
                count = CountOf(reader.ValueSpan);
            }
            else if (reader.ValueTextEquals("body"u8))
            {
                reader.Read();
                sentAt = SentAtOf(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (seq < 0)
        {
            throw new JsonException("an envelope without seq");
        }
        return new Envelope(seq, from, isMessage, count, sentAt);
    }

    // "seat-n", as the load generator writes it (no escapes in it).
    private static long CountOf(ReadOnlySpan<byte> id)
    {
        var dash = id.IndexOf((byte)'-');
        return dash >= 0 && Utf8Parser.TryParse(id[(dash + 1)..], out long n, out var used) && used == id.Length - dash - 1 ? n : 0;
    }

    private static long SentAtOf(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        long t = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("t"u8))
            {
                reader.Read();
                t = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return t;
    }
}

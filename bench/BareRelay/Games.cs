using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;

namespace BareRelay;

/// <summary>
/// The games, in memory for the life of the process (a benchmark run): bench/run starts a fresh relay each
/// time, so nothing is ever removed.
/// </summary>
internal sealed class Games
{
    private readonly ConcurrentDictionary<string, Game> _games = new(StringComparer.Ordinal);

    public Game Get(string id) => _games.GetOrAdd(id, _ => new Game());
}

/// <summary>
/// One game: its numbers and its live connections, under one lock, so that every connection receives the
/// game's messages in number order. Each envelope is serialized once and the same bytes queued for everyone.
/// </summary>
internal sealed class Game
{
    private readonly Lock _gate = new();
    private readonly List<Connection> _live = [];
    private long _lastSeq;

    /// <summary>
    /// There is no log: the page is always empty, and it makes the connection live, as the last page does. False
    /// if the answer could not be queued.
    /// </summary>
    public bool Resume(Connection connection, string? id)
    {
        lock (_gate)
        {
            var page = Record(writer =>
            {
                writer.WriteString("id", id);
                writer.WriteStartObject("result");
                writer.WriteNumber("latestSeq", _lastSeq);
                writer.WriteString("epoch", "bare");
                writer.WriteStartArray("messages");
                writer.WriteEndArray();
                writer.WriteBoolean("more", false);
                writer.WriteEndObject();
            });
            if (!connection.TryQueue(page))
            {
                return false;
            }
            if (!_live.Contains(connection))
            {
                _live.Add(connection);
            }
            return true;
        }
    }

    /// <summary>Numbers a player's message and queues its envelope for every live connection, the sender's included.</summary>
    public long Send(int seat, string? clientMsgId, string? type, JsonElement body)
    {
        lock (_gate)
        {
            var seq = ++_lastSeq;
            var envelope = Record(writer =>
            {
                writer.WriteNumber("seq", seq);
                writer.WriteNumber("from", seat);
                writer.WriteString("type", type);
                writer.WritePropertyName("body");
                if (body.ValueKind == JsonValueKind.Undefined)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    body.WriteTo(writer);
                }
                writer.WriteNumber("ts", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                writer.WriteString("clientMsgId", clientMsgId);
            });
            for (var i = _live.Count - 1; i >= 0; i--)
            {
                if (!_live[i].TryQueue(envelope))
                {
                    // It cannot keep up: drop it rather than hold up the others, as GameChannels does.
                    _live[i].Abort();
                    _live.RemoveAt(i);
                }
            }
            return seq;
        }
    }

    public void Leave(Connection connection)
    {
        lock (_gate)
        {
            _live.Remove(connection);
        }
    }

    public static byte[] Record(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

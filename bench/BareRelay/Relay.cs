using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;

namespace BareRelay;

/// <summary>
/// /ws?game=ID&amp;seat=N: the plain WebSocket transport's records (docs/protocol.md section 11), of which the relay
/// knows two: <c>send</c> (numbered and relayed; answered only when it has an id) and <c>resume</c> (an empty
/// page). The seat is taken on trust: the load generator says which one it is.
/// </summary>
internal static class Relay
{
    private const int MaxFrameBytes = 2 * 16384 + 4096; // as GameChannels with its default Channels:MaxMessageBytes

    public static async Task HandleAsync(HttpContext context, Games games)
    {
        var query = context.Request.Query;
        if (!context.WebSockets.IsWebSocketRequest || string.IsNullOrEmpty(query["game"])
            || !int.TryParse(query["seat"], NumberStyles.None, CultureInfo.InvariantCulture, out var seat))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var game = games.Get(query["game"]!);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket);
        var closedByClient = false;
        try
        {
            closedByClient = await ReadAsync(socket, connection, game, seat);
        }
        finally
        {
            game.Leave(connection);
            connection.Complete();
            await connection.Writing.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (closedByClient && socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
    }

    /// <summary>Reads and handles the client's records until it goes away; true if it closed cleanly.</summary>
    private static async Task<bool> ReadAsync(WebSocket socket, Connection connection, Game game, int seat)
    {
        var frame = new ArrayBufferWriter<byte>(4096);
        try
        {
            while (true)
            {
                frame.ResetWrittenCount();
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(frame.GetMemory(4096), CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        return true;
                    }
                    frame.Advance(result.Count);
                    if (frame.WrittenCount > MaxFrameBytes)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "too_large", CancellationToken.None);
                        return false;
                    }
                }
                while (!result.EndOfMessage);

                var records = frame.WrittenMemory;
                while (!records.IsEmpty)
                {
                    var end = records.Span.IndexOf((byte)'\n');
                    var record = end < 0 ? records : records[..end];
                    records = end < 0 ? ReadOnlyMemory<byte>.Empty : records[(end + 1)..];
                    if (!record.Span.Trim(" \r\t"u8).IsEmpty && !Handle(record, connection, game, seat))
                    {
                        connection.Abort(); // its queue is full: it cannot keep up
                        return false;
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Handles one record; false if the answer could not be queued.</summary>
    private static bool Handle(ReadOnlyMemory<byte> record, Connection connection, Game game, int seat)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(record);
        }
        catch (JsonException)
        {
            return connection.TryQueue(Game.Record(w => w.WriteString("error", "bad_request: a record must be one JSON object")));
        }
        using (document)
        {
            var root = document.RootElement;
            var id = String(root, "id");
            switch (String(root, "op"))
            {
                case "send":
                    var body = root.TryGetProperty("body", out var b) ? b : default;
                    var seq = game.Send(seat, String(root, "clientMsgId"), String(root, "type"), body);
                    return id is null || connection.TryQueue(Game.Record(w => { w.WriteString("id", id); w.WriteNumber("seq", seq); }));
                case "resume":
                    return game.Resume(connection, id);
                default:
                    return connection.TryQueue(Game.Record(w =>
                    {
                        w.WriteString("id", id);
                        w.WriteString("error", "bad_request: the bare relay knows op send and resume");
                    }));
            }
        }
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString() : null;
}

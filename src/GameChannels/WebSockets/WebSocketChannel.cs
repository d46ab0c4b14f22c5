using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using GameChannels.Core;
using GameChannels.SignalR;
using Platform.Games;

namespace GameChannels.WebSockets;

/// <summary>
/// The plain WebSocket transport over the same game core as the SignalR hub: /ws?game=ID&amp;access_token=TOKEN,
/// text frames of newline-separated JSON records. docs/protocol.md ("Plain WebSocket transport") specifies it.
/// Requests of one connection are handled one at a time, in order, like the hub's invocations. Most upgrades
/// reach <see cref="RunAsync"/> through <see cref="DirectUpgrade"/>, below HTTP; the rest, and every refusal,
/// through the endpoint's <see cref="HandleAsync"/>.
/// </summary>
internal static class WebSocketChannel
{
    public static async Task HandleAsync(HttpContext context, GameRooms rooms, RoomServices services)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(detail: "open this URL as a WebSocket", statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.BadRequest }).ExecuteAsync(context);
            return;
        }
        var player = JoinTokenAuthentication.PlayerOf(context);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        services.Metrics.Upgraded("http");
        await RunAsync(socket, context.TraceIdentifier, player, SignalR.AfterQuery.AfterOf(context), rooms, services);
    }

    /// <summary>
    /// Joins the player's game over an accepted WebSocket (sending the pages after <paramref name="after"/> first, if
    /// given) and serves it until either side ends it.
    /// </summary>
    public static async Task RunAsync(WebSocket socket, string connectionId, JoinToken player, long? after, GameRooms rooms, RoomServices services)
    {
        var member = new WebSocketMember(socket, connectionId, player, services.ConnectionLimiter(), services.Options.SendQueueLength);
        GameRoom room;
        try
        {
            room = await rooms.JoinAsync(member, after);
        }
        catch (Exception e) when (services.Errors.Refusal(e, ChannelErrors.Connect) is { } reason)
        {
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, Truncate(reason), default);
            await member.DisposeAsync();
            return;
        }
        var closedByClient = false;
        try
        {
            closedByClient = await ReadAsync(socket, member, room, services);
            if (closedByClient && socket.State == WebSocketState.CloseReceived)
            {
                // Completes the close handshake the client began.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        finally
        {
            await room.LeaveThenDisposeAsync(member, closedByClient ? "closed" : "connection lost");
        }
    }

    /// <summary>Reads and answers the client's records until it closes; true if it closed cleanly.</summary>
    private static async Task<bool> ReadAsync(WebSocket socket, WebSocketMember member, GameRoom room, RoomServices services)
    {
        // A frame may carry a message of the largest allowed size plus its fields; a larger one is refused whole.
        var limit = services.Options.MaxMessageBytes * 2 + 4096;
        try
        {
            while (true)
            {
                // Waits for the next frame without a buffer: an idle connection holds none (docs/benchmark.md).
                if ((await socket.ReceiveAsync(Memory<byte>.Empty, member.Aborted)).MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
                var frame = ArrayPool<byte>.Shared.Rent(4096);
                try
                {
                    var length = 0;
                    ValueWebSocketReceiveResult result;
                    do
                    {
                        if (length == frame.Length)
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(frame.Length * 2);
                            frame.AsSpan(0, length).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(frame);
                            frame = larger;
                        }
                        result = await socket.ReceiveAsync(frame.AsMemory(length), member.Aborted);
                        if (result.MessageType == WebSocketMessageType.Close)
                        {
                            return true;
                        }
                        length += result.Count;
                        if (length > limit)
                        {
                            services.Metrics.Refused(ErrorCodes.TooLarge);
                            await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"{ErrorCodes.TooLarge}: frames are limited to {limit} bytes", default);
                            return false;
                        }
                    }
                    while (!result.EndOfMessage);

                    if (!await HandleFrameAsync(frame.AsMemory(0, length), member, room, services))
                    {
                        return false;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(frame);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Handles each newline-separated record of one frame in order; false once the connection is to close.</summary>
    private static async Task<bool> HandleFrameAsync(ReadOnlyMemory<byte> records, WebSocketMember member, GameRoom room, RoomServices services)
    {
        while (!records.IsEmpty)
        {
            var end = records.Span.IndexOf((byte)'\n');
            var record = end < 0 ? records : records[..end];
            records = end < 0 ? ReadOnlyMemory<byte>.Empty : records[(end + 1)..];
            if (!record.Span.Trim(" \r\t"u8).IsEmpty && !await HandleAsync(record, member, room, services))
            {
                return false;
            }
        }
        return true;
    }

    private static async Task<bool> HandleAsync(ReadOnlyMemory<byte> record, WebSocketMember member, GameRoom room, RoomServices services)
    {
        string? id = null;
        string? clientMsgId = null;
        string op = "record";
        try
        {
            // A binary frame is read as text too; its bytes must be UTF-8 (a text frame's are checked below us).
            if (!Utf8.IsValid(record.Span))
            {
                throw ChannelException.BadRequest(SendRequests.NotUtf8);
            }
            using var document = Parse(record);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw ChannelException.BadRequest(NotAnObject);
            }
            if (root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString()
                    : throw ChannelException.BadRequest("id must be a string");
            }
            op = root.TryGetProperty("op", out var opElement) && opElement.ValueKind == JsonValueKind.String ? opElement.GetString()! : op;
            switch (op)
            {
                case "send":
                    var request = SendRequests.Parse(root, "op", "id");
                    clientMsgId = request.ClientMsgId;
                    // The next record is read once this one has its place in the game's order, not once Redis
                    // has it: the answer (or error) follows when it is logged and relayed.
                    var relayed = (await room.BeginSendAsync(member, request)).Relayed;
                    if (relayed.IsCompletedSuccessfully)
                    {
                        return id is null || ReplySeq(member, id, relayed.Result);
                    }
                    _ = AnswerWhenRelayedAsync(relayed, member, id, clientMsgId, services);
                    return true;
                case "resume":
                    var after = ResumeRequests.AfterSeq(root.TryGetProperty("afterSeq", out var afterElement) ? afterElement : default);
                    var page = await room.ResumeAsync(member, after);
                    return Reply(member, writer =>
                    {
                        writer.WriteString("id", id);
                        writer.WritePropertyName("result");
                        JsonSerializer.Serialize(writer, page, GamesJsonContext.Default.LogPage);
                    });
                case "end":
                    var ended = await room.EndByPlayerAsync(member);
                    return Reply(member, writer => { writer.WriteString("id", id); writer.WriteNumber("seq", ended); });
                default:
                    throw ChannelException.BadRequest("each record needs \"op\": send, resume or end");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Error(member, id, clientMsgId, services.Errors.Describe(e, op));
        }
    }

    /// <summary>Answers a send once it is logged and relayed: its number if it asked (an id), or the error.</summary>
    private static async Task AnswerWhenRelayedAsync(Task<long> relayed, WebSocketMember member, string? id, string? clientMsgId, RoomServices services)
    {
        try
        {
            var seq = await relayed;
            if (id is not null)
            {
                ReplySeq(member, id, seq);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Error(member, id, clientMsgId, services.Errors.Describe(e, "send"));
        }
    }

    private const string NotAnObject = "a record must be one JSON object";

    private static bool ReplySeq(WebSocketMember member, string id, long seq) =>
        Reply(member, writer => { writer.WriteString("id", id); writer.WriteNumber("seq", seq); });

    private static JsonDocument Parse(ReadOnlyMemory<byte> record)
    {
        try
        {
            return JsonDocument.Parse(record);
        }
        catch (JsonException)
        {
            throw ChannelException.BadRequest(NotAnObject);
        }
    }

    /// <summary>An error for a request with an id goes to that id; for a send without one, to its clientMsgId.</summary>
    private static bool Error(WebSocketMember member, string? id, string? clientMsgId, string error) => Reply(member, writer =>
    {
        if (id is not null)
        {
            writer.WriteString("id", id);
        }
        else if (clientMsgId is not null)
        {
            writer.WriteString("clientMsgId", clientMsgId);
        }
        writer.WriteString("error", error);
    });

    /// <summary>Queues a reply behind the messages already queued; false (drop) if the queue is full.</summary>
    private static bool Reply(WebSocketMember member, Action<Utf8JsonWriter> write)
    {
        var record = JsonScratch.Write(write, static (writer, write) =>
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        });
        if (member.TryReply(record.ToArray()))
        {
            return true;
        }
        member.Drop("send queue full");
        return false;
    }

    private static string Truncate(string reason) =>
        Encoding.UTF8.GetByteCount(reason) <= 120 ? reason : reason[..100]; // a close reason is at most 123 bytes
}

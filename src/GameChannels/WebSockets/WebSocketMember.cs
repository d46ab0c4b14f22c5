using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GameChannels.Core;
using Platform.Games;

namespace GameChannels.WebSockets;

/// <summary>
/// A plain WebSocket connection as a game member. The writer takes everything queued for the connection at
/// once and writes it as one frame (records separated by newlines), so a busy connection costs one write per
/// batch rather than one per message; each envelope's bytes are the same array for every receiver, and a lone
/// envelope is written from that array without a copy.
/// </summary>
internal sealed class WebSocketMember : QueuedMember
{
    private const int MaxFrameBytes = 64 * 1024;
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _aborted = new();

    public WebSocketMember(WebSocket socket, string connectionId, JoinToken player, TokenBucket limiter, int queueLength)
        : base(connectionId, player, limiter, queueLength)
    {
        _socket = socket;
        StartWriting();
    }

    public CancellationToken Aborted => _aborted.Token;

    /// <summary>A reply to one of the client's requests, in order with the messages.</summary>
    public bool TryReply(byte[] record) => Queue.Writer.TryWrite(new RawJson(record));

    /// <summary>A page the client did not ask for, as <c>{"page":{...}}</c>, in order with the messages.</summary>
    public override Task SendPageAsync(LogPage page)
    {
        var record = JsonScratch.Write(page, static (writer, page) =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("page");
            JsonSerializer.Serialize(writer, page, GamesJsonContext.Default.LogPage);
            writer.WriteEndObject();
        });
        // A connection told to come back has its queue closed: its reconnect request still goes out.
        if (!TryReply(record.ToArray()) && ReconnectRequest is null)
        {
            Drop("send queue full");
        }
        return Task.CompletedTask;
    }

    protected override void Abort()
    {
        _aborted.Cancel();
        _socket.Abort();
    }

    protected override async Task WriteAsync()
    {
        var batch = new List<ReadOnlyMemory<byte>>();
        try
        {
            // No token: a wait with one allocates each time. Whatever ends the connection (Drop, Reconnect,
            // DisposeAsync) completes the queue, which ends the wait.
            while (await Queue.Reader.WaitToReadAsync())
            {
                for (var bytes = 0; bytes < MaxFrameBytes && Queue.Reader.TryRead(out var envelope); bytes += envelope.Utf8.Length + 1)
                {
                    batch.Add(envelope.Utf8);
                }
                await SendAsync(batch);
                batch.Clear();
            }
            if (ReconnectRequest is { } reconnect)
            {
                batch.Add(Encoding.UTF8.GetBytes($"{{\"reconnect\":{{\"afterMs\":{reconnect.AfterMs}}}}}"));
                await SendAsync(batch);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server restarting", _aborted.Token);
                // A client that never answers the close must not keep the stopping server waiting.
                _aborted.CancelAfter(CloseWait);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection went away; the client resumes from its last number.
        }
    }

    /// <summary>
    /// Writes records as one frame, separated by newlines. One record, the usual case, is written straight from
    /// the envelope's bytes; several are joined in a buffer borrowed for the write, so that an idle connection
    /// holds no buffer of its own.
    /// </summary>
    private async ValueTask SendAsync(List<ReadOnlyMemory<byte>> records)
    {
        if (records.Count == 1)
        {
            await _socket.SendAsync(records[0], WebSocketMessageType.Text, endOfMessage: true, _aborted.Token);
            return;
        }
        var length = records.Sum(r => r.Length) + records.Count - 1;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var at = 0;
            foreach (var record in records)
            {
                if (at > 0)
                {
                    buffer[at++] = (byte)'\n';
                }
                record.Span.CopyTo(buffer.AsSpan(at));
                at += record.Length;
            }
            await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, endOfMessage: true, _aborted.Token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _aborted.Dispose();
    }
}

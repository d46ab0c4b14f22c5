using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Platform.TestSupport.Channels;

/// <summary>A player on the plain WebSocket transport (/ws), as a test drives it.</summary>
public sealed class WsChannelClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly ConcurrentQueue<JsonElement> _errors = new();
    // Answers no request of this client waits for: errors without an id, and answers to raw records' ids.
    private readonly Channel<JsonElement> _unclaimed = Channel.CreateUnbounded<JsonElement>();
    private Task _reading = Task.CompletedTask;
    private int _nextId;

    public IReadOnlyList<JsonElement> Received => [.. _received];

    /// <summary>Errors that came without a request id (sends that asked for no answer).</summary>
    public IReadOnlyList<JsonElement> Errors => [.. _errors];

    public int? ReconnectAfterMs { get; private set; }

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>The pages sent without a resume request, to a connection opened with ?after=.</summary>
    public PushedPages Pushed { get; } = new();

    public static Uri Uri(Uri server, string gameId, string token, string? after = null) =>
        new($"ws://{server.Host}:{server.Port}/ws?game={gameId}&access_token={System.Uri.EscapeDataString(token)}"
            + (after is null ? "" : $"&after={after}"));

    /// <summary>
    /// Connects; with <paramref name="resume"/>, also resumes from 0 so that it receives live messages. With
    /// <paramref name="after"/>, it asks for the pages after that number in the URL instead (<see cref="Pushed"/>).
    /// </summary>
    public static async Task<WsChannelClient> ConnectAsync(Uri server, string gameId, string token, bool resume = true, long? after = null)
    {
        var client = new WsChannelClient();
        await client._socket.ConnectAsync(Uri(server, gameId, token, after?.ToString(System.Globalization.CultureInfo.InvariantCulture)), default).DefaultTimeout();
        client._reading = client.ReadAsync();
        if (resume && after is null)
        {
            await client.ResumeAllAsync(0);
        }
        return client;
    }

    /// <summary>Sends one request with an id and waits for its answer (the whole reply record).</summary>
    public async Task<JsonElement> RequestAsync(object record)
    {
        var id = $"q{Interlocked.Increment(ref _nextId)}";
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var json = JsonSerializer.SerializeToNode(record)!.AsObject();
        json["id"] = id;
        await SendTextAsync(json.ToJsonString());
        return await answer.Task.DefaultTimeout();
    }

    public async Task<long> SendAsync(string type, object? body, string? clientMsgId = null, int? to = null)
    {
        var reply = await RequestAsync(new { op = "send", clientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"), type, body, to });
        return reply.TryGetProperty("seq", out var seq) ? seq.GetInt64() : throw new InvalidOperationException(reply.GetProperty("error").GetString());
    }

    public async Task<List<JsonElement>> ResumeAllAsync(long afterSeq)
    {
        var messages = new List<JsonElement>();
        while (true)
        {
            var page = (await RequestAsync(new { op = "resume", afterSeq })).GetProperty("result");
            foreach (var message in page.GetProperty("messages").EnumerateArray())
            {
                messages.Add(message.Clone());
                afterSeq = message.GetProperty("seq").GetInt64();
            }
            if (!page.GetProperty("more").GetBoolean())
            {
                return messages;
            }
        }
    }

    /// <summary>Sends raw text as one frame and returns the next answer no request of this client waits for.</summary>
    public async Task<JsonElement> SendRawAsync(string text)
    {
        await SendTextAsync(text);
        return await NextUnclaimedAsync();
    }

    /// <summary>The next error without an id, or answer to an id this client did not issue.</summary>
    public async Task<JsonElement> NextUnclaimedAsync(TimeSpan? timeout = null) =>
        await _unclaimed.Reader.ReadAsync().AsTask().DefaultTimeout(timeout);

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, default).DefaultTimeout();

    /// <summary>Reads live envelopes until one matches, returning all read on the way (it included).</summary>
    public Task<List<JsonElement>> ReadUntilAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        _messages.Reader.ReadUntilAsync(match, timeout);

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var frame = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, default);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                frame.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }
                foreach (var line in Encoding.UTF8.GetString(frame.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    Dispatch(JsonDocument.Parse(line).RootElement.Clone());
                }
                frame.SetLength(0);
            }
        }
        catch (WebSocketException)
        {
        }
        Closed.TrySetResult();
    }

    private void Dispatch(JsonElement record)
    {
        if (record.TryGetProperty("id", out var id))
        {
            if (id.ValueKind == JsonValueKind.String && _pending.TryRemove(id.GetString()!, out var answer))
            {
                answer.TrySetResult(record);
            }
            else
            {
                _unclaimed.Writer.TryWrite(record);
            }
        }
        else if (record.TryGetProperty("page", out var page))
        {
            Pushed.Add(page);
        }
        else if (record.TryGetProperty("reconnect", out var reconnect))
        {
            ReconnectAfterMs = reconnect.GetProperty("afterMs").GetInt32();
        }
        else if (record.TryGetProperty("error", out _))
        {
            _errors.Enqueue(record);
            _unclaimed.Writer.TryWrite(record);
        }
        else
        {
            _received.Enqueue(record);
            _messages.Writer.TryWrite(record);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Platform.TestSupport.Channels;

/// <summary>A player's connection to a game channel, as a test drives it: what it received, in order.</summary>
public sealed class ChannelClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly List<JsonElement> _history = [];
    // Live envelopes that arrive while a Resume is in flight: docs/protocol.md section 7 lets them come before its
    // answer, and a client holds them until the pages are applied.
    private readonly List<JsonElement> _held = [];
    private readonly Lock _historyLock = new();
    private bool _resuming;

    private ChannelClient(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JsonElement>("message", envelope =>
        {
            _received.Enqueue(envelope.Clone());
            lock (_historyLock)
            {
                (_resuming ? _held : _history).Add(envelope.Clone());
            }
            _messages.Writer.TryWrite(envelope.Clone());
        });
        // Pages sent unasked to a connection opened with ?after=: applied as Resume's are, then the held ones.
        _connection.On<JsonElement>("page", page =>
        {
            lock (_historyLock)
            {
                var (messages, last) = Pushed.Add(page);
                _history.AddRange(messages);
                if (last)
                {
                    _resuming = false;
                    _history.AddRange(_held);
                    _held.Clear();
                }
            }
        });
        _connection.On<JsonElement>("reconnect", reconnect => ReconnectAfterMs = reconnect.GetProperty("afterMs").GetInt32());
        _connection.Closed += error =>
        {
            ClosedWith = error;
            Closed.TrySetResult();
            return Task.CompletedTask;
        };
    }

    /// <summary>Every live envelope received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Received => [.. _received];

    /// <summary>
    /// Everything it was given, by Resume or live, in the order a client applies it (section 7): pages in order,
    /// and the live envelopes that came during a resume after its last page. Nothing is dropped or sorted.
    /// </summary>
    public IReadOnlyList<JsonElement> History
    {
        get
        {
            lock (_historyLock)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>The pages sent without a Resume call, to a connection opened with ?after=.</summary>
    public PushedPages Pushed { get; } = new();

    public int? ReconnectAfterMs { get; private set; }

    public Exception? ClosedWith { get; private set; }

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Uri ChannelUri(Uri server, string gameId, string token, string? after = null) =>
        new($"ws://{server.Host}:{server.Port}/channels?game={gameId}&access_token={Uri.EscapeDataString(token)}"
            + (after is null ? "" : $"&after={after}"));

    /// <summary>
    /// Connects; with <paramref name="resume"/>, also resumes from 0 so that it receives live messages. With
    /// <paramref name="after"/>, it asks for the pages after that number in the URL instead, and holds live
    /// messages until the last of them (<see cref="Pushed"/>).
    /// </summary>
    public static async Task<ChannelClient> ConnectAsync(Uri server, string gameId, string token, bool resume = true, long? after = null)
    {
        // Straight over a WebSocket with no negotiate request, as the browser library connects.
        var connection = new HubConnectionBuilder()
            .WithUrl(ChannelUri(server, gameId, token, after?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                HttpTransportType.WebSockets, options => options.SkipNegotiation = true)
            .Build();
        var client = new ChannelClient(connection) { _resuming = after is not null };
        await connection.StartAsync().DefaultTimeout();
        if (resume && after is null)
        {
            await client.ResumeAllAsync(0);
        }
        return client;
    }

    public Task<long> SendAsync(string type, object? body, string? clientMsgId = null, int? to = null) =>
        _connection.InvokeAsync<long>("Send", new { clientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"), type, body, to }).DefaultTimeout();

    /// <summary>Sends an arbitrary argument, for tests of malformed input.</summary>
    public Task<long> SendRawAsync(object argument) => _connection.InvokeAsync<long>("Send", argument).DefaultTimeout();

    /// <summary>Invokes a hub method with arguments given as raw JSON, for tests of malformed input.</summary>
    public Task<JsonElement> InvokeRawAsync(string target, params JsonElement[] arguments) =>
        _connection.InvokeCoreAsync<JsonElement>(target, [.. arguments.Cast<object?>()]).DefaultTimeout();

    public bool IsOpen => _connection.State == HubConnectionState.Connected;

    public Task<JsonElement> ResumeAsync(long afterSeq) => _connection.InvokeAsync<JsonElement>("Resume", afterSeq).DefaultTimeout();

    /// <summary>Every page of Resume from <paramref name="afterSeq"/> until the last one (which makes the connection live).</summary>
    public async Task<List<JsonElement>> ResumeAllAsync(long afterSeq)
    {
        var messages = new List<JsonElement>();
        lock (_historyLock)
        {
            _resuming = true;
        }
        try
        {
            while (true)
            {
                var page = await ResumeAsync(afterSeq);
                foreach (var message in page.GetProperty("messages").EnumerateArray())
                {
                    messages.Add(message.Clone());
                    lock (_historyLock)
                    {
                        _history.Add(message.Clone());
                    }
                    afterSeq = message.GetProperty("seq").GetInt64();
                }
                if (!page.GetProperty("more").GetBoolean())
                {
                    return messages;
                }
            }
        }
        finally
        {
            lock (_historyLock)
            {
                _resuming = false;
                _history.AddRange(_held);
                _held.Clear();
            }
        }
    }

    /// <summary>
    /// The "code: detail" of a refusal. SignalR puts it after a fixed preamble:
    /// "An unexpected error occurred invoking 'Send' on the server. HubException: code: detail".
    /// </summary>
    public static string Refusal(Exception error)
    {
        const string marker = "HubException: ";
        var at = error.Message.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? error.Message : error.Message[(at + marker.Length)..];
    }

    public Task<long> EndGameAsync() => _connection.InvokeAsync<long>("EndGame").DefaultTimeout();

    /// <summary>The next live envelope received.</summary>
    public async Task<JsonElement> NextAsync(TimeSpan? timeout = null) =>
        await _messages.Reader.ReadAsync().AsTask().DefaultTimeout(timeout);

    /// <summary>Reads live envelopes until one matches, returning all read on the way (it included).</summary>
    public Task<List<JsonElement>> ReadUntilAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        _messages.Reader.ReadUntilAsync(match, timeout);

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}

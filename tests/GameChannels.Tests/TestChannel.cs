using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

public enum Transport
{
    SignalR,
    WebSocket,
}

/// <summary>
/// A request that breaks the protocol, as each transport carries it: over /ws the record as written, over
/// SignalR a call of <see cref="Target"/> with <see cref="Arguments"/> (a JSON array). Null where the input has no
/// form on that transport.
/// </summary>
public sealed record BadInput(string Name, string Code, string? Record, string? Target = null, string? Arguments = null, string Title = "chat")
{
    public bool On(Transport transport) => transport == Transport.WebSocket ? Record is not null : Target is not null;

    public override string ToString() => Name;
}

/// <summary>One player's connection over either transport, so that one test body runs over both.</summary>
public sealed class TestChannel : IAsyncDisposable
{
    private readonly ChannelClient? _hub;
    private readonly WsChannelClient? _ws;

    private TestChannel(ChannelClient? hub, WsChannelClient? ws)
    {
        _hub = hub;
        _ws = ws;
    }

    public static async Task<TestChannel> ConnectAsync(Transport transport, Uri server, string gameId, string token) =>
        transport == Transport.SignalR
            ? new TestChannel(await ChannelClient.ConnectAsync(server, gameId, token), null)
            : new TestChannel(null, await WsChannelClient.ConnectAsync(server, gameId, token));

    /// <summary>Connects with ?after= in the URL: the server sends the pages after it without a resume call.</summary>
    public static async Task<TestChannel> ConnectAfterAsync(Transport transport, Uri server, string gameId, string token, long after) =>
        transport == Transport.SignalR
            ? new TestChannel(await ChannelClient.ConnectAsync(server, gameId, token, resume: false, after: after), null)
            : new TestChannel(null, await WsChannelClient.ConnectAsync(server, gameId, token, resume: false, after: after));

    /// <summary>The channel URL of the transport, with the query given after the token.</summary>
    public static Uri Url(Transport transport, Uri server, string gameId, string token, string after) =>
        transport == Transport.SignalR ? ChannelClient.ChannelUri(server, gameId, token, after) : WsChannelClient.Uri(server, gameId, token, after);

    public bool IsOpen => _hub?.IsOpen ?? _ws!.IsOpen;

    /// <summary>The pages the server sent without being asked.</summary>
    public PushedPages Pushed => _hub?.Pushed ?? _ws!.Pushed;

    /// <summary>Every live envelope received so far, in arrival order.</summary>
    public IReadOnlyList<JsonElement> Received => _hub?.Received ?? _ws!.Received;

    public Task<long> SendAsync(string type, object? body) => _hub?.SendAsync(type, body) ?? _ws!.SendAsync(type, body);

    /// <summary>Reads live envelopes until one matches, returning all read on the way (it included).</summary>
    public Task<List<JsonElement>> ReadUntilAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        _hub?.ReadUntilAsync(match, timeout) ?? _ws!.ReadUntilAsync(match, timeout);

    /// <summary>The "code: detail" the request is refused with.</summary>
    public async Task<string> RefusalAsync(BadInput input)
    {
        if (_hub is not null)
        {
            using var arguments = JsonDocument.Parse(input.Arguments!);
            var call = _hub.InvokeRawAsync(input.Target!, [.. arguments.RootElement.EnumerateArray()]);
            return ChannelClient.Refusal(await Should.ThrowAsync<HubException>(call));
        }
        var reply = await _ws!.SendRawAsync(input.Record!);
        return reply.TryGetProperty("error", out var error) ? error.GetString()! : $"no error: {reply.GetRawText()}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_hub is not null)
        {
            await _hub.DisposeAsync();
        }
        if (_ws is not null)
        {
            await _ws.DisposeAsync();
        }
    }
}

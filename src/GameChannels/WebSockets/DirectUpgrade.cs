using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using GameChannels.Core;
using GameChannels.SignalR;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Platform.Games;

namespace GameChannels.WebSockets;

/// <summary>
/// Takes /ws upgrades below Kestrel's HTTP layer. Through HTTP, a WebSocket keeps for its whole life the
/// request's connection object, headers, context, features, logging activity and a frame of every middleware:
/// about half of what a player's connection held, none of it used once the upgrade is done
/// (docs/benchmark.md). So a connection whose first read is one complete, plain upgrade to /ws with a good
/// token, on a server that is not stopping, is answered here (101) and served from its transport directly.
/// Everything else goes on to HTTP untouched, and is answered there as before: other requests, an upgrade
/// that arrived in pieces or has anything unusual in it, and every refusal, a bad ?after= too (so their errors
/// live in one place).
/// </summary>
internal sealed class DirectUpgrade(ConnectionDelegate next, IServiceProvider services)
{
    /// <summary>Longer requests go to HTTP, which has the limits and the errors for them.</summary>
    private const int MaxRequestBytes = 8 * 1024;

    private static readonly byte[] AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    public async Task OnConnectionAsync(ConnectionContext connection)
    {
        var roomServices = services.GetRequiredService<RoomServices>();
        var started = roomServices.Time.GetTimestamp();
        var input = connection.Transport.Input;
        ReadResult read;
        // Kestrel gives a new connection its keep-alive timeout to send a request; so does this first read,
        // which comes before Kestrel's clock starts, so that a silent connection is still closed in time.
        using (var silence = new CancellationTokenSource(services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.KeepAliveTimeout))
        {
            try
            {
                read = await input.ReadAsync(silence.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                return; // gone, or silent for too long, before it sent anything
            }
        }
        var buffer = read.Buffer;
        if (!TryParse(buffer, out var request) || !TryAuthorize(request, out var player, out var after))
        {
            // Nothing consumed or examined: HTTP reads the same bytes at once.
            input.AdvanceTo(buffer.Start);
            await next(connection);
            return;
        }
        input.AdvanceTo(buffer.GetPosition(request.Length));

        await connection.Transport.Output.WriteAsync(SwitchingProtocols(request.Key));
        roomServices.Metrics.UpgradeAnswered(roomServices.Time.GetElapsedTime(started));
        var options = services.GetRequiredService<IOptions<WebSocketOptions>>().Value;
        using var socket = WebSocket.CreateFromStream(new DuplexPipeStream(connection.Transport), new WebSocketCreationOptions
        {
            IsServer = true,
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
        });
        roomServices.Metrics.Upgraded("direct");
        await WebSocketChannel.RunAsync(socket, connection.ConnectionId, player, after, services.GetRequiredService<GameRooms>(), roomServices);
    }

    private bool TryAuthorize(in UpgradeRequest request, out JoinToken player, out long? after)
    {
        player = null!;
        after = null;
        if (services.GetRequiredService<GameRooms>().Stopping)
        {
            return false;
        }
        var query = QueryHelpers.ParseQuery(request.Query);
        return JoinTokenAuthentication.Check(query.GetValueOrDefault("game"), query.GetValueOrDefault("access_token"),
            request.Authorization, services.GetRequiredService<JoinTokens>(), out player) is null
            && ResumeRequests.TryAfterQuery(query.GetValueOrDefault("after"), out after, out _);
    }

    /// <summary>The answer that completes the handshake (RFC 6455, section 4.2.2).</summary>
    internal static byte[] SwitchingProtocols(string key)
    {
        Span<byte> keyed = stackalloc byte[64];
        var length = Encoding.ASCII.GetBytes(key, keyed);
        AcceptGuid.CopyTo(keyed[length..]);
#pragma warning disable CA5350 // SHA-1 is what the WebSocket handshake specifies; it protects nothing here.
        var accept = Convert.ToBase64String(SHA1.HashData(keyed[..(length + AcceptGuid.Length)]));
#pragma warning restore CA5350
        return Encoding.ASCII.GetBytes(
            $"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept}\r\n\r\n");
    }

    /// <summary>What a plain upgrade to /ws carries that the channel needs.</summary>
    internal readonly record struct UpgradeRequest(int Length, string Query, string Key, string? Authorization);

    /// <summary>
    /// True if the bytes start with one complete GET /ws request that is a plain WebSocket upgrade: HTTP/1.1,
    /// a Host, Upgrade: websocket, Connection: upgrade, version 13, a key of 16 bytes, no body, no folded or
    /// repeated header that matters, nothing but visible ASCII. Anything else is left to HTTP.
    /// </summary>
    internal static bool TryParse(ReadOnlySequence<byte> buffer, out UpgradeRequest request)
    {
        request = default;
        if (buffer.Length < 16 || buffer.Length > MaxRequestBytes)
        {
            return false;
        }
        if (buffer.IsSingleSegment)
        {
            return TryParse(buffer.FirstSpan, out request);
        }
        var copy = ArrayPool<byte>.Shared.Rent((int)buffer.Length);
        try
        {
            buffer.CopyTo(copy);
            return TryParse(copy.AsSpan(0, (int)buffer.Length), out request);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    internal static bool TryParse(ReadOnlySpan<byte> bytes, out UpgradeRequest request)
    {
        request = default;
        if (!bytes.StartsWith("GET /ws"u8) || (bytes[7] != ' ' && bytes[7] != '?'))
        {
            return false;
        }
        var end = bytes.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }
        var lines = bytes[..(end + 2)];
        var lineEnd = lines.IndexOf("\r\n"u8);
        var requestLine = lines[..lineEnd];
        if (!requestLine.EndsWith(" HTTP/1.1"u8))
        {
            return false;
        }
        var target = requestLine["GET ".Length..^" HTTP/1.1".Length];
        if (!IsVisibleAscii(target))
        {
            return false;
        }
        var query = target.Length > 3 ? Encoding.ASCII.GetString(target[3..]) : "";

        bool host = false, connection = false;
        string? upgrade = null, version = null, key = null, authorization = null;
        for (lines = lines[(lineEnd + 2)..]; !lines.IsEmpty; lines = lines[(lineEnd + 2)..])
        {
            lineEnd = lines.IndexOf("\r\n"u8);
            var line = lines[..lineEnd];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || !IsVisibleAscii(line[..colon]))
            {
                return false; // no name, a folded line, or whitespace before the colon
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (!IsVisibleAscii(value, spaces: true))
            {
                return false;
            }
            if (Is(name, "Host"u8))
            {
                host = true;
            }
            else if (Is(name, "Connection"u8))
            {
                connection |= HasToken(value, "upgrade"u8);
            }
            else if (!(Once(name, "Upgrade"u8, value, ref upgrade) && Once(name, "Sec-WebSocket-Version"u8, value, ref version)
                && Once(name, "Sec-WebSocket-Key"u8, value, ref key) && Once(name, "Authorization"u8, value, ref authorization))
                || Is(name, "Content-Length"u8) || Is(name, "Transfer-Encoding"u8) || Is(name, "Expect"u8))
            {
                return false; // a header that matters, repeated; or a body
            }
        }
        if (!host || !connection || upgrade is null || !upgrade.Equals("websocket", StringComparison.OrdinalIgnoreCase) || version != "13"
            || key is null || !IsKey(key))
        {
            return false;
        }
        request = new UpgradeRequest(end + 4, query, key, authorization);
        return true;
    }

    private static bool Is(ReadOnlySpan<byte> text, ReadOnlySpan<byte> expected) => Ascii.EqualsIgnoreCase(text, expected);

    /// <summary>Records a header's value if the name is <paramref name="expected"/>; false if it came before.</summary>
    private static bool Once(ReadOnlySpan<byte> name, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> value, ref string? seen)
    {
        if (!Is(name, expected))
        {
            return true;
        }
        if (seen is not null)
        {
            return false;
        }
        seen = Encoding.ASCII.GetString(value);
        return true;
    }

    private static bool HasToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Is(list[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A key is 16 bytes in base64: 24 characters.</summary>
    private static bool IsKey(string value)
    {
        Span<byte> decoded = stackalloc byte[18];
        return value.Length == 24 && Convert.TryFromBase64String(value, decoded, out var written) && written == 16;
    }

    private static bool IsVisibleAscii(ReadOnlySpan<byte> text, bool spaces = false)
    {
        foreach (var b in text)
        {
            if (b > 0x7E || (b < 0x21 && !(spaces && (b == ' ' || b == '\t'))))
            {
                return false;
            }
        }
        return true;
    }
}

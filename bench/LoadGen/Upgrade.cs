using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace LoadGen;

/// <summary>
/// Opens a client WebSocket as a browser does, in one TCP connection: the upgrade request written by hand
/// (RFC 6455 section 4.1), the answer checked, then the base library's WebSocket over the socket's stream.
/// ClientWebSocket does the same through HttpClient's connection, whose layers and buffers stay with every
/// connection: the generator then spends more of the two cores it shares with the server it measures, and
/// pauses longer for its own garbage collections, which count as latency (docs/benchmark.md).
/// </summary>
internal static class Upgrade
{
    private const int MaxAnswerBytes = 4096;

    /// <summary>Connects and upgrades; a refusal or a broken connection is a <see cref="WebSocketException"/>.</summary>
    public static async Task<WebSocket> ConnectAsync(Uri address, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address.Host, address.Port, cancellationToken);
            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            var request = $"GET {address.PathAndQuery} HTTP/1.1\r\nHost: {address.Authority}\r\nUpgrade: websocket\r\n" +
                $"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancellationToken);
            var answer = await ReadAnswerAsync(socket, cancellationToken);
            var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
            var lines = answer.Split("\r\n");
            if (!lines[0].StartsWith("HTTP/1.1 101 ", StringComparison.Ordinal) ||
                !lines.Any(line => line.StartsWith("Sec-WebSocket-Accept:", StringComparison.OrdinalIgnoreCase) &&
                    line["Sec-WebSocket-Accept:".Length..].Trim() == accept))
            {
                throw new WebSocketException($"the server refused the upgrade: {lines[0]}");
            }
            return WebSocket.CreateFromStream(new NetworkStream(socket, ownsSocket: true),
                new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new WebSocketException($"connecting to {address.Authority} failed: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The answer's status line and headers (with the final line break). Read by peeking first, so that nothing
    /// after them is taken: the server may send its first frame at once, and the WebSocket must find it.
    /// </summary>
    private static async Task<string> ReadAnswerAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxAnswerBytes];
        var seen = 0;
        while (true)
        {
            var peeked = await socket.ReceiveAsync(buffer, SocketFlags.Peek, cancellationToken);
            if (peeked == 0)
            {
                throw new WebSocketException("the server closed the connection instead of answering the upgrade");
            }
            var end = buffer.AsSpan(0, peeked).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var length = end + 4;
                for (int taken = 0, read; taken < length; taken += read)
                {
                    // Peeked already, so there: each read returns at once.
                    read = await socket.ReceiveAsync(buffer.AsMemory(taken, length - taken), SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        throw new WebSocketException("the server closed the connection during the upgrade");
                    }
                }
                return Encoding.ASCII.GetString(buffer, 0, end + 2);
            }
            if (peeked == buffer.Length)
            {
                throw new WebSocketException($"the upgrade's answer is longer than {MaxAnswerBytes} bytes");
            }
            if (peeked == seen)
            {
                // Part of the answer is in, the rest not yet: a peek would find the same bytes at once.
                await Task.Delay(1, cancellationToken);
            }
            seen = peeked;
        }
    }
}

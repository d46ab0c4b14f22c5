using System.Net.WebSockets;
using System.Threading.Channels;

namespace Platform.TestSupport.Channels;

/// <summary>
/// A WebSocket that sends whatever bytes a test gives it (text or binary, in as many fragments as asked) and
/// hands back each whole message it receives, for tests of input that no well-behaved client sends.
/// </summary>
public sealed class RawSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly Channel<byte[]> _received = Channel.CreateUnbounded<byte[]>();
    private Task _reading = Task.CompletedTask;

    public static async Task<RawSocket> ConnectAsync(Uri uri)
    {
        var raw = new RawSocket();
        await raw._socket.ConnectAsync(uri, default).DefaultTimeout();
        raw._reading = raw.ReadAsync();
        return raw;
    }

    public bool IsOpen => _socket.State == WebSocketState.Open;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    /// <summary>Whole messages as received; completes when the socket closes.</summary>
    public ChannelReader<byte[]> Received => _received.Reader;

    /// <summary>Sends one message in <paramref name="fragments"/> parts; false if the socket closed meanwhile.</summary>
    public async Task<bool> SendAsync(ReadOnlyMemory<byte> message, bool binary, int fragments = 1)
    {
        var type = binary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        var size = Math.Max(1, (message.Length + fragments - 1) / Math.Max(1, fragments));
        try
        {
            for (var at = 0; at < message.Length || at == 0; at += size)
            {
                var part = message[at..Math.Min(message.Length, at + size)];
                await _socket.SendAsync(part, type, at + size >= message.Length, default).AsTask().DefaultTimeout();
                if (message.Length == 0)
                {
                    break;
                }
            }
            return true;
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var result = await _socket.ReceiveAsync(buffer, default);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    _received.Writer.TryWrite(message.ToArray());
                    message.SetLength(0);
                }
            }
        }
        catch (WebSocketException)
        {
        }
        _received.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
    }
}

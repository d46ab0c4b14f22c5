using System.IO.Pipelines;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.TestSupport.Channels;

/// <summary>
/// Lets the .NET SignalR client (Client.Core) connect straight over a WebSocket, with no negotiate: the HTTP
/// connections client package that would do this is not available to us.
/// </summary>
public sealed class WebSocketConnectionFactory : IConnectionFactory
{
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(((UriEndPoint)endpoint).Uri, cancellationToken);
        return new WebSocketConnection(socket);
    }

    private sealed class WebSocketConnection : ConnectionContext
    {
        private readonly ClientWebSocket _socket;
        private readonly Pipe _input = new();
        private readonly Pipe _output = new();
        private readonly CancellationTokenSource _closed = new();
        private readonly Task _receiving;
        private readonly Task _sending;

        public WebSocketConnection(ClientWebSocket socket)
        {
            _socket = socket;
            Transport = new Duplex(_input.Reader, _output.Writer);
            _receiving = ReceiveAsync();
            _sending = SendAsync();
        }

        public override IDuplexPipe Transport { get; set; }

        public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

        public override IFeatureCollection Features { get; } = new FeatureCollection();

        public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

        public override CancellationToken ConnectionClosed { get => _closed.Token; set { } }

        private async Task ReceiveAsync()
        {
            try
            {
                while (_socket.State == WebSocketState.Open)
                {
                    var memory = _input.Writer.GetMemory(16 * 1024);
                    var result = await _socket.ReceiveAsync(memory, CancellationToken.None);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                    _input.Writer.Advance(result.Count);
                    var flush = await _input.Writer.FlushAsync();
                    if (flush.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the server went away: SignalR sees the input end and reports the connection closed
            }
            await _input.Writer.CompleteAsync();
            _closed.Cancel();
        }

        private async Task SendAsync()
        {
            try
            {
                while (true)
                {
                    var result = await _output.Reader.ReadAsync();
                    foreach (var segment in result.Buffer)
                    {
                        await _socket.SendAsync(segment, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                    }
                    _output.Reader.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            await _output.Reader.CompleteAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await _output.Writer.CompleteAsync();
            if (_socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            await Task.WhenAll(_receiving, _sending).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _socket.Dispose();
        }

        private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
        {
            public PipeReader Input { get; } = input;

            public PipeWriter Output { get; } = output;
        }
    }
}

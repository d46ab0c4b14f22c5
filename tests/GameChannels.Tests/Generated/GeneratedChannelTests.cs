using System.Diagnostics;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.Logging;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests.Generated;

/// <summary>
/// A bounded, seeded run of generated records against a running GameChannels, one per transport: records from the
/// protocol's grammar and mutations of them (<see cref="ChannelGrammar"/>), sent as text or binary, in fragments,
/// several to a frame or cut across frames. Every reply must be a documented one, the connection stays open but
/// for the documented closes, and meanwhile the players of another game exchange messages with bounded latency.
/// A failure names its seed: run again with the environment variable CsCheck_Seed set to it.
/// </summary>
public class GeneratedChannelTests(LoggingChannelServer server) : IClassFixture<LoggingChannelServer>
{
    private const int Sessions = 12;
    private static readonly TimeSpan MostLatency = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan MarkerTimeout = TimeSpan.FromSeconds(10);

    public static TheoryData<Transport> Transports => [Transport.SignalR, Transport.WebSocket];

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task GeneratedRecordsGetDocumentedRepliesWhileAnotherGamePlaysOn(Transport transport)
    {
        Probe probe = transport == Transport.WebSocket ? new WsProbe() : new HubProbe();
        var other = await TestGames.CreateAsync(server.Database, 2, "chat");
        await using var ann = await TestChannel.ConnectAsync(transport, server.Address, other.GameId, other.Tokens[0]);
        await using var bob = await TestChannel.ConnectAsync(transport, server.Address, other.GameId, other.Tokens[1]);
        using var stop = new CancellationTokenSource();
        var exchange = ExchangeAsync(ann, bob, stop.Token);
        var logged = server.Process.StandardOutput.Count;

        var sessions = Gen.Select(Gen.OneOf(Gen.Const("chat"), Gen.Const("tictactoe")), probe.Steps.Array[3, 12]);
        try
        {
            await sessions.SampleAsync((title, steps) => SessionAsync(probe, title, steps), iter: Sessions, threads: 1,
                print: s => $"{s.Item1}:\n  " + string.Join("\n  ", s.Item2.Select(step => step.ToString())));
        }
        catch (Exception e)
        {
            // The server's side of a failure, in a few lines: what it logged as one.
            var failed = (await server.LoggedAtLeastAsync(logged, LogLevel.Warning)).Take(3).Select(r => r.Line);
            throw new ShouldAssertException($"{e.Message}\nthe server logged:\n{string.Join("\n", failed)}", e);
        }
        finally
        {
            await stop.CancelAsync();
        }
        var (exchanged, worst) = await exchange.DefaultTimeout();

        exchanged.ShouldBeGreaterThan(0, "the other game's players exchanged messages throughout");
        worst.ShouldBeLessThan(MostLatency, $"the other game's slowest of {exchanged} round trips");
        var above = await server.LoggedAtLeastAsync(logged, LogLevel.Warning);
        above.Select(r => r.Line).ShouldBeEmpty("a client's mistake is logged at Information at most");
    }

    private async Task SessionAsync(Probe probe, string title, Step[] steps)
    {
        var game = await TestGames.CreateAsync(server.Database, 2, title);
        var socket = await probe.OpenAsync(server.Address, game.GameId, game.Tokens[0]);
        try
        {
            for (var n = 1; n <= steps.Length; n++)
            {
                var step = steps[n - 1];
                var open = true;
                foreach (var frame in step.Frames)
                {
                    open = open && await socket.SendAsync(frame.Bytes, frame.Binary, frame.Fragments);
                }
                open = open && await socket.SendAsync(probe.Marker(n), binary: false);
                if (!await AnsweredAsync(probe, socket, n, step))
                {
                    step.MayClose.ShouldBeTrue($"the connection closed ({socket.CloseStatus} {socket.CloseDescription}) after: {step}");
                    probe.CheckClose(socket, step);
                    await socket.DisposeAsync();
                    socket = await probe.OpenAsync(server.Address, game.GameId, game.Tokens[0]);
                }
            }
        }
        finally
        {
            await socket.DisposeAsync();
        }
    }

    /// <summary>Checks every reply until the marker's answer (true) or the connection's close (false).</summary>
    private static async Task<bool> AnsweredAsync(Probe probe, RawSocket socket, int n, Step step)
    {
        using var timeout = new CancellationTokenSource(MarkerTimeout);
        try
        {
            while (await socket.Received.WaitToReadAsync(timeout.Token))
            {
                while (socket.Received.TryRead(out var message))
                {
                    if (probe.Check(message, n))
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        catch (OperationCanceledException)
        {
            throw new ShouldAssertException($"no answer within {MarkerTimeout.TotalSeconds} s after: {step}");
        }
    }

    /// <summary>Two players of another game take turns sending; how many went through, and the slowest.</summary>
    private static async Task<(int Exchanged, TimeSpan Worst)> ExchangeAsync(TestChannel ann, TestChannel bob, CancellationToken stop)
    {
        var (exchanged, worst) = (0, TimeSpan.Zero);
        for (var (from, to) = (ann, bob); !stop.IsCancellationRequested; (from, to) = (to, from))
        {
            var text = $"round {exchanged}";
            var started = Stopwatch.GetTimestamp();
            await from.SendAsync("chat", new { text });
            await to.ReadUntilAsync(e => e.GetProperty("body") is { ValueKind: JsonValueKind.Object } body
                && body.TryGetProperty("text", out var t) && t.GetString() == text, MostLatency * 2);
            worst = TimeSpan.FromTicks(Math.Max(worst.Ticks, Stopwatch.GetElapsedTime(started).Ticks));
            exchanged++;
            await Task.Delay(50, CancellationToken.None);
        }
        return (exchanged, worst);
    }
}

using System.Text.Json;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>
/// Players who send chats as fast as a connection's limit allows, without waiting for their numbers, while a test
/// connects another seat again and again: relays land while its pages are read, so the page/live boundary is
/// crossed under traffic every round.
/// </summary>
internal sealed class PacedSenders : IAsyncDisposable
{
    private readonly List<WsChannelClient> _senders;

    private PacedSenders(List<WsChannelClient> senders, int perSender)
    {
        _senders = senders;
        Sending = Task.WhenAll(senders.Select(async (sender, index) =>
        {
            for (var n = 0; n < perSender; n++)
            {
                var id = $"s{index}-{n}";
                // No id: the sender does not wait for its number before the next send.
                await sender.SendTextAsync(JsonSerializer.Serialize(new { op = "send", clientMsgId = id, type = "chat", body = new { text = id } }));
                await Task.Delay(55); // under the 20 per second a connection may send
            }
        }));
    }

    /// <summary>Completes when every sender has sent all its messages.</summary>
    public Task Sending { get; }

    /// <summary>Seats 2 and up of <paramref name="game"/> start sending <paramref name="perSender"/> messages each.</summary>
    public static async Task<PacedSenders> StartAsync(Uri server, TestGame game, int perSender)
    {
        var senders = new List<WsChannelClient>();
        for (var seat = 2; seat <= game.Tokens.Count; seat++)
        {
            senders.Add(await WsChannelClient.ConnectAsync(server, game.GameId, game.Tokens[seat - 1]));
        }
        return new PacedSenders(senders, perSender);
    }

    /// <summary>
    /// What one round received (pages and live messages), checked to follow <paramref name="seen"/> with no gap
    /// and no repeat; returns the last number it had.
    /// </summary>
    public static long Round(long seen, IEnumerable<JsonElement> received, int round)
    {
        var numbers = received.Select(e => e.GetProperty("seq").GetInt64()).Order().ToList();
        numbers.ShouldBe(Enumerable.Range((int)seen + 1, numbers.Count).Select(i => (long)i),
            $"round {round}: the pages and the live messages meet with no gap and no repeat");
        return numbers.Count > 0 ? numbers[^1] : seen;
    }

    /// <summary>Waits for the last send; every one was taken.</summary>
    public async Task FinishAsync()
    {
        await Sending.DefaultTimeout();
        foreach (var sender in _senders)
        {
            sender.Errors.ShouldBeEmpty();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders)
        {
            await sender.DisposeAsync();
        }
    }
}

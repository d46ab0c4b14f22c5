using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.TestSupport;
using Platform.TestSupport.Channels;

namespace GameChannels.Tests;

/// <summary>A channel server of its own, logging each HTTP request, so that a test can tell what it logged.</summary>
public sealed class LoggingChannelServer : ChannelServer
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["PLATFORM_LOGGING__LOGLEVEL__MICROSOFT.ASPNETCORE.HOSTING.DIAGNOSTICS"] = "Information",
    };

    /// <summary>
    /// What the server has logged since line <paramref name="from"/> of its output, up to a request made now: the
    /// console logger writes in order, so once that request is in the output, so is everything logged before it.
    /// </summary>
    public async Task<List<string>> LoggedSinceAsync(int from)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var http = new HttpClient { BaseAddress = Address };
        (await http.GetAsync($"health/live?flush={marker}").DefaultTimeout()).EnsureSuccessStatusCode();
        return await Eventually.ForAsync(() =>
        {
            var output = Process.StandardOutput;
            return output.Skip(from).Any(line => line.Contains(marker, StringComparison.Ordinal)) ? output.Skip(from).ToList() : null;
        }, TaskTimeouts.Default, $"the request marked {marker} to be logged");
    }

    /// <summary>The log records since line <paramref name="from"/> at <paramref name="least"/> or above, as (category, line).</summary>
    public async Task<List<(string Category, string Line)>> LoggedAtLeastAsync(int from, LogLevel least)
    {
        var found = new List<(string, string)>();
        foreach (var line in await LoggedSinceAsync(from))
        {
            // One JSON object per line (ServiceDefaults); anything else is not a log record.
            if (!line.StartsWith('{'))
            {
                continue;
            }
            using var record = JsonDocument.Parse(line);
            if (record.RootElement.TryGetProperty("LogLevel", out var level) && Enum.Parse<LogLevel>(level.GetString()!) >= least)
            {
                found.Add((record.RootElement.GetProperty("Category").GetString()!, line.Length > 600 ? line[..600] : line));
            }
        }
        return found;
    }
}

/// <summary>
/// Records that are JSON but not what the protocol says get their documented error, on both transports, and the
/// connection stays open; nothing about them is logged above Information.
/// </summary>
public class BadInputTests(LoggingChannelServer server) : IClassFixture<LoggingChannelServer>
{
    private const string Send = "Send";
    private const string Resume = "Resume";

    public static readonly BadInput[] Inputs =
    [
        new("an array", "bad_request", "[]", Send, "[[]]"),
        new("null", "bad_request", "null", Send, "[null]"),
        new("a number", "bad_request", "42", Send, "[42]"),
        new("a string", "bad_request", "\"s\"", Send, "[\"s\"]"),
        new("afterSeq a string", "bad_request", """{"op":"resume","id":"x","afterSeq":"abc"}""", Resume, """["abc"]"""),
        new("afterSeq a fraction", "bad_request", """{"op":"resume","id":"x","afterSeq":1.5}""", Resume, "[1.5]"),
        new("afterSeq null", "bad_request", """{"op":"resume","id":"x","afterSeq":null}""", Resume, "[null]"),
        new("afterSeq beyond a long", "bad_request", """{"op":"resume","id":"x","afterSeq":1e30}""", Resume, "[1e30]"),
        new("afterSeq an object", "bad_request", """{"op":"resume","id":"x","afterSeq":{}}""", Resume, "[{}]"),
        new("clientMsgId a number", "bad_request", """{"op":"send","id":"x","clientMsgId":5,"type":"chat"}""", Send, """[{"clientMsgId":5,"type":"chat"}]"""),
        new("to a string", "bad_request", """{"op":"send","id":"x","clientMsgId":"c","type":"chat","to":"2"}""", Send, """[{"clientMsgId":"c","type":"chat","to":"2"}]"""),
        new("op a number", "bad_request", """{"op":5,"id":"x"}"""),
        new("id a number", "bad_request", """{"op":"resume","id":7,"afterSeq":0}"""),
        new("op of an array", "bad_request", """{"op":["send"],"id":"x"}"""),
        new("a move's cell a string", "rejected", """{"op":"send","id":"x","clientMsgId":"m","type":"move","body":{"cell":"a"}}""",
            Send, """[{"clientMsgId":"m","type":"move","body":{"cell":"a"}}]""", "tictactoe"),
        new("a move's cell null", "rejected", """{"op":"send","id":"x","clientMsgId":"m","type":"move","body":{"cell":null}}""",
            Send, """[{"clientMsgId":"m","type":"move","body":{"cell":null}}]""", "tictactoe"),
        new("a move's body an array", "rejected", """{"op":"send","id":"x","clientMsgId":"m","type":"move","body":[4]}""",
            Send, """[{"clientMsgId":"m","type":"move","body":[4]}]""", "tictactoe"),
    ];

    public static IEnumerable<object[]> Cases() =>
        from transport in Enum.GetValues<Transport>()
        from input in Inputs
        where input.On(transport)
        select new object[] { transport, input };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInputGetsItsCodeAndTheConnectionStaysOpen(Transport transport, BadInput input)
    {
        var game = await TestGames.CreateAsync(server.Database, 2, input.Title);
        await using var host = await TestChannel.ConnectAsync(transport, server.Address, game.GameId, game.Tokens[0]);
        await using var guest = await TestChannel.ConnectAsync(transport, server.Address, game.GameId, game.Tokens[1]);
        var logged = server.Process.StandardOutput.Count;

        var refusal = await host.RefusalAsync(input);

        refusal.ShouldStartWith(input.Code + ": ", customMessage: $"{input.Name} over {transport}");
        host.IsOpen.ShouldBeTrue("the connection stays open");
        (await host.SendAsync("chat", new { text = "still here" })).ShouldBeGreaterThan(0, "the connection is still usable");
        var above = await server.LoggedAtLeastAsync(logged, LogLevel.Warning);
        above.Select(r => r.Line).ShouldBeEmpty("a client's mistake is logged at Information at most");
    }
}

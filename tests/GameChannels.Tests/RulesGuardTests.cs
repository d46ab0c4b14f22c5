using System.Text.Json;
using GameChannels.Core;
using GameChannels.Rules;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GameChannels.Tests;

/// <summary>The core, not each title, keeps a failing rules module from reaching a transport.</summary>
public class RulesGuardTests
{
    private sealed class Throwing : IRulesState
    {
        public Verdict Judge(int seat, string type, JsonElement body, int? to) => throw new InvalidOperationException("a bug in the rules");

        public void Observe(int? fromSeat, string type, JsonElement body) => throw new InvalidOperationException("a bug in the rules");
    }

    [Fact]
    public void ARulesModuleThatThrowsRejectsTheMessageAndIsCountedAndLoggedOnceAsAWarning()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new ChannelMetrics(provider.GetRequiredService<IMeterFactory>());
        using var failures = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), "Platform.GameChannels", "platform.channel.rules.failures");
        var logger = new FakeLogger<RulesGuard>();
        var guard = new RulesGuard(new Throwing(), "K7QX3M", "tictactoe", metrics, logger);
        using var body = JsonDocument.Parse("""{"cell":4}""");

        guard.Judge(1, "move", body.RootElement, null).Rejection.ShouldBe(RulesGuard.CouldNotJudge);
        Should.NotThrow(() => guard.Observe(1, "move", body.RootElement));

        failures.GetMeasurementSnapshot().Select(m => m.Tags["title"]).ShouldBe(["tictactoe", "tictactoe"]);
        var logged = logger.Collector.GetSnapshot();
        logged.Count.ShouldBe(2, "once for each failure");
        logged.ShouldAllBe(entry => entry.Level == LogLevel.Warning && entry.Message.Contains("K7QX3M") && entry.Message.Contains("tictactoe"));
    }

    public static readonly TheoryData<string> BadMoves = new() { """{"cell":"a"}""", """{"cell":null}""", """{"cell":4.5}""", "[4]", "\"4\"", "{}" };

    [Theory]
    [MemberData(nameof(BadMoves))]
    public void TicTacToeRejectsAMoveOfTheWrongShapeItself(string move)
    {
        var rules = new TicTacToeRules().NewGame();
        rules.Observe(null, "player.joined", JsonDocument.Parse("""{"seat":1,"name":"Ann"}""").RootElement);
        rules.Observe(null, "player.joined", JsonDocument.Parse("""{"seat":2,"name":"Bob"}""").RootElement);
        using var body = JsonDocument.Parse(move);

        rules.Judge(1, "move", body.RootElement, null).Rejection.ShouldBe("a move is {\"cell\": 0..8}");
        Should.NotThrow(() => rules.Observe(1, "move", body.RootElement));
        rules.Judge(1, "move", JsonDocument.Parse("""{"cell":4}""").RootElement, null).ShouldBe(Verdict.Accept, "seat 1 still has the move");
    }
}

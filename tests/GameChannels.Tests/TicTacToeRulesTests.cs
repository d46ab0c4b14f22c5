using System.Text.Json;
using GameChannels.Rules;

namespace GameChannels.Tests;

/// <summary>
/// Tic-tac-toe's referee in memory, as a table: what was logged before (steps), then one move and what the
/// referee says of it. Cells are 0-8 in the steps (the wire) and 1-9 in what the referee says.
/// </summary>
public class TicTacToeRulesTests
{
    private const string Seated = "join 1 Alice; join 2 Bob";

    [Theory]
    [InlineData("join 1 Alice", "move 1 4", "wait for a second player to join")]
    [InlineData("join 1 Alice; join 2 Bob; left 2", "move 1 4", "wait for a second player to join")]
    [InlineData(Seated, "move 2 4", "it is Alice's turn")]
    [InlineData(Seated + "; move 1 4", "move 1 0", "it is Bob's turn")]
    [InlineData(Seated + "; move 1 4", "move 2 4", "cell 5 is taken")]
    [InlineData(Seated + "; move 1 0", "move 2 0", "cell 1 is taken")]
    [InlineData(Seated, "move 1 9", "a move is {\"cell\": 0..8}")]
    [InlineData(Seated, "move 1 4", "accepted")]
    [InlineData(Seated + "; move 1 0; move 2 3; move 1 1; move 2 4", "move 1 2", "game.result {\"winner\":1,\"line\":[0,1,2]}")]
    // The guest who left takes the board with them: the next guest starts a new game against the host.
    [InlineData(Seated + "; move 1 4; left 2; join 2 Carol", "move 2 0", "it is Alice's turn")]
    [InlineData(Seated + "; move 1 4; move 2 0; left 2; join 2 Carol", "move 1 4", "accepted")]
    [InlineData(Seated + "; move 1 4; left 1", "move 2 0", "the game is over")]
    public void TheRefereeJudgesAMoveByWhatWasLoggedBefore(string before, string move, string expected)
    {
        var rules = new TicTacToeRules().NewGame();
        foreach (var step in before.Split("; "))
        {
            Apply(rules, step);
        }
        var parts = move.Split(' ');
        using var body = JsonDocument.Parse($$"""{"cell":{{parts[2]}}}""");

        var verdict = rules.Judge(int.Parse(parts[1]), "move", body.RootElement, null);

        var said = verdict.Rejection
            ?? (verdict.FollowUps.Count > 0 ? $"{verdict.FollowUps[0].Type} {verdict.FollowUps[0].Body.GetRawText()}" : "accepted");
        said.ShouldBe(expected);
    }

    [Fact]
    public void TheHostLeavingEndsTheGameAndTheGuestLeavingResetsTheBoard()
    {
        var rules = new TicTacToeRules().NewGame();

        var host = rules.SeatLeft(1).ShouldNotBeNull();
        host.EndsGame.ShouldBeTrue();
        host.EndReason.ShouldBe("host_left");

        var guest = rules.SeatLeft(2).ShouldNotBeNull();
        guest.EndsGame.ShouldBeFalse();
        guest.FollowUps.Select(f => $"{f.Type} {f.Body.GetRawText()}").ShouldBe(["game.reset {\"reason\":\"guest_left\",\"seat\":2}"]);
    }

    /// <summary>One logged step, as the room hands it to the rules: "join S name", "move S cell", "left S".</summary>
    private static void Apply(IRulesState rules, string step)
    {
        var parts = step.Split(' ');
        var seat = int.Parse(parts[1]);
        switch (parts[0])
        {
            case "join":
                rules.Observe(null, "player.joined", JsonSerializer.SerializeToElement(new { seat, name = parts[2] }));
                break;
            case "move":
                var body = JsonSerializer.SerializeToElement(new { cell = int.Parse(parts[2]) });
                rules.Judge(seat, "move", body, null).Rejection.ShouldBeNull($"{step} is legal");
                rules.Observe(seat, "move", body);
                break;
            case "left":
                var verdict = rules.SeatLeft(seat).ShouldNotBeNull();
                rules.Observe(null, "player.left", JsonSerializer.SerializeToElement(new { seat, name = "?", reason = "away" }));
                foreach (var followUp in verdict.FollowUps)
                {
                    rules.Observe(null, followUp.Type, followUp.Body);
                }
                if (verdict.EndsGame)
                {
                    rules.Observe(null, "game.ended", JsonSerializer.SerializeToElement(new { reason = verdict.EndReason }));
                }
                break;
        }
    }
}

using System.Text.Json;
using Platform.Games;

namespace GameChannels.Rules;

/// <summary>
/// The referee of tic-tac-toe: seat 1 plays first, a "move" names a free cell 0 to 8, and the rules announce
/// the result ("game.result") and end the game. Any other message type (chat) is relayed untouched.
/// </summary>
public sealed class TicTacToeRules : ITitleRules
{
    public string TitleId => Titles.TicTacToe.Id;

    public IRulesState NewGame() => new State();

    private sealed class State : IRulesState
    {
        private static readonly int[][] Lines =
            [[0, 1, 2], [3, 4, 5], [6, 7, 8], [0, 3, 6], [1, 4, 7], [2, 5, 8], [0, 4, 8], [2, 4, 6]];

        private readonly int[] _board = new int[9];
        private int _next = 1;
        private bool _over;

        public Verdict Judge(int seat, string type, JsonElement body, int? to)
        {
            if (type != "move")
            {
                return Verdict.Accept;
            }
            if (to is not null)
            {
                return Verdict.Reject("a move is seen by both players: send it without 'to'");
            }
            if (_over)
            {
                return Verdict.Reject("the game is over");
            }
            if (seat != _next)
            {
                return Verdict.Reject($"it is seat {_next}'s turn");
            }
            if (!TryCell(body, out var cell))
            {
                return Verdict.Reject("a move is {\"cell\": 0..8}");
            }
            if (_board[cell] != 0)
            {
                return Verdict.Reject($"cell {cell} is taken");
            }

            _board[cell] = seat;
            try
            {
                if (Lines.FirstOrDefault(l => l.All(c => _board[c] == seat)) is { } line)
                {
                    return Result(new { winner = seat, line });
                }
                return _board.All(c => c != 0) ? Result(new { draw = true }) : Verdict.Accept;
            }
            finally
            {
                _board[cell] = 0; // Observe applies it once it is in the log
            }
        }

        public void Observe(int? fromSeat, string type, JsonElement body)
        {
            if (type == "game.result" || type == "game.ended")
            {
                _over = true;
            }
            else if (type == "move" && fromSeat is { } seat && TryCell(body, out var cell) && _board[cell] == 0)
            {
                _board[cell] = seat;
                _next = seat == 1 ? 2 : 1;
            }
        }

        private static Verdict Result(object result) =>
            new(null, [new FollowUp("game.result", JsonSerializer.SerializeToElement(result))], EndsGame: true);

        private static bool TryCell(JsonElement body, out int cell)
        {
            cell = -1;
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("cell", out var value)
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out cell) && cell is >= 0 and < 9;
        }
    }
}

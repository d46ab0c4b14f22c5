using System.Text.Json;
using Platform.Games;

namespace GameChannels.Rules;

/// <summary>
/// The referee of tic-tac-toe: once both seats have joined, seat 1 plays first, a "move" names a free cell 0 to
/// 8 on the wire, and the rules announce the result ("game.result") and end the game. People read cells 1 to 9
/// (cell n + 1), so every text here does. The host leaving for good ends the game; the guest leaving resets the
/// board ("game.reset") and frees seat 2. Any other message type (chat) is relayed untouched.
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
        // The names of the seats taken now, learnt from player.joined and forgotten at player.left.
        private readonly Dictionary<int, string> _names = [];
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
            if (!TryCell(body, out var cell))
            {
                return Verdict.Reject("a move is {\"cell\": 0..8}");
            }
            if (!_names.ContainsKey(1) || !_names.ContainsKey(2))
            {
                return Verdict.Reject("wait for a second player to join");
            }
            if (seat != _next)
            {
                return Verdict.Reject($"it is {NameOf(_next)}'s turn");
            }
            if (_board[cell] != 0)
            {
                return Verdict.Reject($"cell {cell + 1} is taken");
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

        public Verdict SeatLeft(int seat) => seat == 1
            ? new Verdict(null, [], EndsGame: true, EndReason: "host_left")
            : new Verdict(null, [new FollowUp("game.reset", JsonSerializer.SerializeToElement(new { reason = "guest_left", seat }))], EndsGame: false);

        public void Observe(int? fromSeat, string type, JsonElement body)
        {
            switch (type)
            {
                case "game.result" or "game.ended":
                    _over = true;
                    break;
                case "game.reset":
                    Array.Clear(_board);
                    _next = 1;
                    break;
                case "player.joined" when TrySeat(body, out var seat):
                    _names[seat] = body.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString()! : $"seat {seat}";
                    break;
                case "player.left" when TrySeat(body, out var seat):
                    _names.Remove(seat);
                    break;
                case "move" when fromSeat is { } mover && TryCell(body, out var cell) && _board[cell] == 0:
                    _board[cell] = mover;
                    _next = mover == 1 ? 2 : 1;
                    break;
            }
        }

        private string NameOf(int seat) => _names.TryGetValue(seat, out var name) ? name : $"seat {seat}";

        private static Verdict Result(object result) =>
            new(null, [new FollowUp("game.result", JsonSerializer.SerializeToElement(result))], EndsGame: true);

        private static bool TryCell(JsonElement body, out int cell)
        {
            cell = -1;
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("cell", out var value)
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out cell) && cell is >= 0 and < 9;
        }

        private static bool TrySeat(JsonElement body, out int seat)
        {
            seat = 0;
            return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("seat", out var value)
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out seat);
        }
    }
}

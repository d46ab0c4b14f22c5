namespace Platform.Games;

/// <summary>A game that can be bought and played. Seats are numbered from 1; seat 1 is the host.</summary>
public sealed record Title(string Id, string Name, int MinPlayers, int MaxPlayers);

/// <summary>The titles this build knows. The channel does not understand games; a title only sets seats.</summary>
public static class Titles
{
    public static readonly Title Chat = new("chat", "Chat room", MinPlayers: 2, MaxPlayers: 8);
    public static readonly Title TicTacToe = new("tictactoe", "Tic-tac-toe", MinPlayers: 2, MaxPlayers: 2);

    public static IReadOnlyList<Title> All { get; } = [Chat, TicTacToe];

    public static Title? Find(string? id) => All.FirstOrDefault(t => t.Id == id);
}

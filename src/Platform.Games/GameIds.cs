using System.Security.Cryptography;

namespace Platform.Games;

/// <summary>
/// Six-character game codes that are easy to read aloud and type: no 0/O, 1/I/L look-alikes. 31^6, about
/// 887 million codes, drawn with a cryptographic generator so they cannot be guessed from one another.
/// </summary>
public static class GameIds
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int Length = 6;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>Accepts lower case too, as people type it, and returns the canonical form.</summary>
    public static bool TryNormalize(string? value, out string gameId)
    {
        gameId = value?.Trim().ToUpperInvariant() ?? "";
        return gameId.Length == Length && gameId.All(c => Alphabet.Contains(c, StringComparison.Ordinal));
    }
}

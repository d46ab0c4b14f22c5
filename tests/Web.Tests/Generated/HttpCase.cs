using System.Text;

namespace Web.Tests.Generated;

/// <summary>What a generated request should get: success (it follows the contract), a refusal, or either.</summary>
public enum Expect
{
    Success,
    Refused,
    Either,
}

/// <summary>Which bearer token a request carries; <see cref="HttpCase.RawAuthorization"/> holds a made-up one.</summary>
public enum Auth
{
    None,
    Own,
    OtherGame,
    Tampered,
    Raw,
}

/// <summary>A generated part of a request (a field, a segment, a header) with what it makes of the request.</summary>
public sealed record Part(string Text, Expect Expect)
{
    public static Expect Combine(params Expect[] parts) =>
        parts.Contains(Expect.Refused) ? Expect.Refused : parts.Contains(Expect.Either) ? Expect.Either : Expect.Success;
}

/// <summary>
/// One generated HTTP request. <see cref="Path"/> and <see cref="Body"/> may hold <see cref="GamePlaceholder"/> and
/// <see cref="PlayerPlaceholder"/>: the test puts a fresh game's code and its host's player id in their place.
/// </summary>
public sealed record HttpCase(
    string Method, string Path, string? ContentType, string? Accept, Auth Auth, string? RawAuthorization, byte[]? Body, Expect Expect)
{
    public const string GamePlaceholder = "GAME__";
    public const string LowerGamePlaceholder = "game__";
    public const string PlayerPlaceholder = "PLAYER__";

    public bool NeedsGame => Path.Contains(GamePlaceholder, StringComparison.OrdinalIgnoreCase) || Auth is not (Auth.None or Auth.Raw)
        || (Body is not null && IndexOf(Body, Encoding.ASCII.GetBytes(PlayerPlaceholder)) >= 0);

    public HttpCase Resolve(string gameId, string playerId) => this with
    {
        Path = Path.Replace(GamePlaceholder, gameId, StringComparison.Ordinal)
            .Replace(LowerGamePlaceholder, gameId.ToLowerInvariant(), StringComparison.Ordinal),
        Body = Body is null ? null : Replace(Body, Encoding.ASCII.GetBytes(PlayerPlaceholder), Encoding.ASCII.GetBytes(playerId)),
    };

    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body);
        body = (body.Length > 400 ? $"{body[..200]}…{body[^200..]} ({Body!.Length} bytes)" : body).Replace("\n", "⏎", StringComparison.Ordinal);
        var path = Path.Length > 200 ? $"{Path[..200]}…({Path.Length} chars)" : Path;
        var auth = Auth == Auth.Raw ? $"Authorization: {Shorten(RawAuthorization)}" : $"token: {Auth}";
        return $"[{Expect}] {Method} {path}\n    Content-Type: {ContentType ?? "(none)"}; Accept: {Accept ?? "(none)"}; {auth}\n    {body}";
    }

    private static string Shorten(string? text) => text is { Length: > 80 } ? $"{text[..80]}…({text.Length} chars)" : text ?? "";

    private static int IndexOf(byte[] bytes, byte[] what) => bytes.AsSpan().IndexOf(what);

    private static byte[] Replace(byte[] bytes, byte[] what, byte[] with)
    {
        var at = IndexOf(bytes, what);
        return at < 0 ? bytes : Replace([.. bytes[..at], .. with, .. bytes[(at + what.Length)..]], what, with);
    }
}

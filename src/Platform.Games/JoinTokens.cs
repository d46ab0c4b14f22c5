using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Platform.Games;

/// <summary>
/// Seals and opens join tokens with AES-256-GCM: <c>{keyId}.{base64url(nonce | ciphertext | tag)}</c>, the key
/// id bound in as associated data. A token that was altered, sealed under a key we do not hold, or has expired
/// does not open.
/// </summary>
public sealed class JoinTokens(IOptions<TokenOptions> options, TimeProvider time)

{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly Dictionary<string, byte[]> _keys =
        options.Value.Keys.ToDictionary(k => k.Key, k => Convert.FromBase64String(k.Value));

    public TimeSpan Lifetime { get; } = TimeSpan.FromHours(options.Value.LifetimeHours);

    public JoinToken Issue(string gameId, string playerId, int seat, string title, string name) =>
        new(gameId, playerId, seat, title, name, time.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());

    public string Seal(JoinToken token)
    {
        var keyId = options.Value.CurrentKeyId;
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(token, GamesJsonContext.Default.JoinToken);
        var sealedBytes = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[keyId], TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize, plaintext.Length),
            sealedBytes.AsSpan(NonceSize + plaintext.Length), Encoding.UTF8.GetBytes(keyId));
        return keyId + "." + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>Opens a token, or says in a few words why it does not open.</summary>
    public bool TryOpen(string? text, out JoinToken token, out string problem)
    {
        token = null!;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (text is null || dot <= 0)
        {
            problem = "the token is missing or malformed";
            return false;
        }
        var keyId = text[..dot];
        if (!_keys.TryGetValue(keyId, out var key))
        {
            problem = "the token was sealed under a key this server does not hold";
            return false;
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(text.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            problem = "the token is malformed";
            return false;
        }
        if (sealedBytes.Length < NonceSize + TagSize + 2)
        {
            problem = "the token is malformed";
            return false;
        }
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plaintext.Length),
                sealedBytes.AsSpan(NonceSize + plaintext.Length), plaintext, Encoding.UTF8.GetBytes(keyId));
            token = JsonSerializer.Deserialize(plaintext, GamesJsonContext.Default.JoinToken)!;
        }
        catch (Exception e) when (e is AuthenticationTagMismatchException or JsonException)
        {
            problem = "the token has been altered";
            return false;
        }
        if (token.ExpiresAtUnixSeconds <= time.GetUtcNow().ToUnixTimeSeconds())
        {
            problem = "the token has expired; join the game again";
            return false;
        }
        problem = "";
        return true;
    }
}

using System.ComponentModel.DataAnnotations;

namespace Platform.Games;

/// <summary>
/// Section <c>Tokens</c>: the keys that seal join tokens, shared by every Web and GameChannels instance. To
/// rotate, add a new key, make it current everywhere, and remove the old one after the token lifetime.
/// </summary>
public sealed class TokenOptions : IValidatableObject
{
    public const string Section = "Tokens";

    /// <summary>Key id to base64 of 32 random bytes (AES-256-GCM). Secret: set through the environment.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key new tokens are sealed with.</summary>
    [Required(ErrorMessage = "is required: the id of the key in Tokens:Keys that seals new tokens")]
    public string CurrentKeyId { get; set; } = "";

    [Range(1, 24 * 30, ErrorMessage = "must be between 1 and 720 hours")]
    public int LifetimeHours { get; set; } = 24;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Keys.Count == 0)
        {
            yield return new ValidationResult(
                "is required: at least one key, e.g. PLATFORM_TOKENS__KEYS__k1=<base64 of 32 random bytes> (openssl rand -base64 32)",
                [nameof(Keys)]);
        }
        foreach (var (id, key) in Keys)
        {
            if (id.Contains('.', StringComparison.Ordinal) || !IsKey(key))
            {
                yield return new ValidationResult(
                    "must be base64 of exactly 32 bytes (openssl rand -base64 32), under an id without dots", [$"{nameof(Keys)}:{id}"]);
            }
        }
        if (!string.IsNullOrEmpty(CurrentKeyId) && Keys.Count > 0 && !Keys.ContainsKey(CurrentKeyId))
        {
            yield return new ValidationResult($"names no key in Tokens:Keys ({string.Join(", ", Keys.Keys)})", [nameof(CurrentKeyId)]);
        }
    }

    private static bool IsKey(string value)
    {
        Span<byte> bytes = stackalloc byte[48];
        return Convert.TryFromBase64String(value, bytes, out var length) && length == 32;
    }
}

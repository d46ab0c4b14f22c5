using System.ComponentModel.DataAnnotations;

namespace Web.Games;

/// <summary>Section <c>Channels</c> (Web): where browsers reach the game channels.</summary>
public sealed class ChannelLinkOptions : IValidatableObject
{
    public const string Section = "Channels";

    /// <summary>The channel server's public base URL, as browsers reach it (through the router in production).</summary>
    [Required(ErrorMessage = "is required: the channel server's public URL, e.g. https://play.example.com")]
    public string PublicUrl { get; set; } = "http://127.0.0.1:8081";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(PublicUrl)
            && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("must be an absolute http or https URL", [nameof(PublicUrl)]);
        }
    }

    /// <summary>The SignalR hub, for clients that use a SignalR library.</summary>
    public string ChannelUrl(string gameId) => $"{PublicUrl.TrimEnd('/')}/channels?game={gameId}";

    /// <summary>The plain WebSocket transport the browser pages use: ws:// or wss:// as the public URL is http or https.</summary>
    public string WsUrl(string gameId) => $"ws{PublicUrl.TrimEnd('/')["http".Length..]}/ws?game={gameId}";
}

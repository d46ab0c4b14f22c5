using System.Text.Json;

namespace GameChannels.Tests;

internal static class Envelope
{
    public static long Seq(this JsonElement e) => e.GetProperty("seq").GetInt64();

    public static string Type(this JsonElement e) => e.GetProperty("type").GetString()!;

    public static string From(this JsonElement e) => e.GetProperty("from").ToString();

    public static string? Text(this JsonElement e) =>
        e.TryGetProperty("body", out var body) && body.ValueKind == JsonValueKind.Object && body.TryGetProperty("text", out var text) ? text.GetString() : null;

    public static bool IsText(this JsonElement e, string text) => e.Type() == "chat" && e.Text() == text;

    public static List<JsonElement> Chats(this IEnumerable<JsonElement> envelopes) => envelopes.Where(e => e.Type() == "chat").ToList();
}

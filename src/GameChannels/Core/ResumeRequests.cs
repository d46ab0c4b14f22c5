using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace GameChannels.Core;

/// <summary>
/// Reads a resume's afterSeq by hand, as <see cref="SendRequests"/> reads a send, so that both transports answer a
/// wrong type with the same bad_request. (The room refuses a negative one.) Also a channel URL's ?after=, which
/// both transports read the same way before they upgrade.
/// </summary>
public static class ResumeRequests
{
    public const string BadAfterQuery = "after must be a whole number from 0 to 9223372036854775807, given once";

    public static long AfterSeq(JsonElement afterSeq) =>
        afterSeq.ValueKind == JsonValueKind.Number && afterSeq.TryGetInt64(out var after) ? after
            : throw ChannelException.BadRequest("afterSeq must be an integer, 0 or more");

    /// <summary>
    /// A channel URL's ?after=: absent (null: the client resumes when it chooses), or the number after which the
    /// server sends the first pages unasked. Digits only, so that "-1", "+1", "1e3" and " 1" are refused too.
    /// </summary>
    public static bool TryAfterQuery(StringValues values, out long? after, [NotNullWhen(false)] out string? problem)
    {
        after = null;
        problem = null;
        if (values.Count == 0)
        {
            return true;
        }
        var text = values.Count == 1 ? values[0] : null;
        if (text is { Length: > 0 and <= 19 } && text.All(char.IsAsciiDigit)
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            after = parsed;
            return true;
        }
        problem = BadAfterQuery;
        return false;
    }
}

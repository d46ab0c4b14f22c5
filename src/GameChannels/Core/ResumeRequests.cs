using System.Text.Json;

namespace GameChannels.Core;

/// <summary>
/// Reads a resume's afterSeq by hand, as <see cref="SendRequests"/> reads a send, so that both transports answer a
/// wrong type with the same bad_request. (The room refuses a negative one.)
/// </summary>
public static class ResumeRequests
{
    public static long AfterSeq(JsonElement afterSeq) =>
        afterSeq.ValueKind == JsonValueKind.Number && afterSeq.TryGetInt64(out var after) ? after
            : throw ChannelException.BadRequest("afterSeq must be an integer, 0 or more");
}

using System.Text.Json;
using System.Threading.Channels;

namespace Platform.TestSupport.Channels;

internal static class EnvelopeReader
{
    /// <summary>Reads envelopes until one matches, returning all read on the way (it included).</summary>
    public static async Task<List<JsonElement>> ReadUntilAsync(this ChannelReader<JsonElement> messages, Func<JsonElement, bool> match, TimeSpan? timeout)
    {
        var read = new List<JsonElement>();
        using var deadline = new CancellationTokenSource(timeout ?? TaskTimeouts.Default);
        while (true)
        {
            var message = await messages.ReadAsync(deadline.Token);
            read.Add(message);
            if (match(message))
            {
                return read;
            }
        }
    }
}

using System.Text.Json;

namespace Platform.TestSupport.Channels;

/// <summary>
/// The pages a connection opened with ?after= is sent without asking (docs/protocol.md section 7), gathered in
/// the order they came until the last one (more: false), which makes the connection live.
/// </summary>
public sealed class PushedPages
{
    private readonly List<JsonElement> _pages = [];
    private readonly List<JsonElement> _messages = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource<List<JsonElement>> _last = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Every page received so far, whole (latestSeq, epoch, messages, more).</summary>
    public IReadOnlyList<JsonElement> Pages
    {
        get
        {
            lock (_lock)
            {
                return [.. _pages];
            }
        }
    }

    /// <summary>Takes one page; returns its messages, and whether it was the last.</summary>
    public (List<JsonElement> Messages, bool Last) Add(JsonElement page)
    {
        var messages = page.GetProperty("messages").EnumerateArray().Select(m => m.Clone()).ToList();
        var last = !page.GetProperty("more").GetBoolean();
        lock (_lock)
        {
            _pages.Add(page.Clone());
            _messages.AddRange(messages);
            if (last)
            {
                _last.TrySetResult([.. _messages]);
            }
        }
        return (messages, last);
    }

    /// <summary>The messages of every page, once the last has come.</summary>
    public Task<List<JsonElement>> AllAsync(TimeSpan? timeout = null) => _last.Task.DefaultTimeout(timeout);
}

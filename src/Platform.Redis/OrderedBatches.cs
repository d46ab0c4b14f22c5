using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>
/// Gathers small Redis requests from every caller and sends whatever is waiting as one call, in the order
/// the requests were added. One round trip and one script call then serve many requests, which is where the
/// time went when each had its own (docs/benchmark.md).
/// </summary>
/// <remarks>
/// Up to <c>maxInFlight</c> calls are on their way at once, on the process's one connection, so Redis runs
/// them in the order they were sent: only one loop takes batches, and <c>send</c> hands its call to the
/// connection before its first await. A reply that comes back late (its continuation waiting its turn on a
/// busy thread pool) then holds up no other call, and requests queue up only once every call is out. The
/// first request after a quiet spell starts the loop on the thread pool rather than on its own thread, so
/// that the thread reading a burst of sockets finishes the burst and its requests share the call; there is
/// no timer, so batching adds no wait beyond that hop.
/// <para>
/// The client itself sends a script call again when Redis answers NOSCRIPT (after SCRIPT FLUSH or a restart),
/// and a call sent later may run before that second attempt. So each call carries its number and the script
/// begins with <see cref="ScriptCall.GuardLua"/>, which refuses a call that a later one has overtaken: every call that
/// Redis applies was sent after every call applied before it.
/// </para>
/// </remarks>
internal sealed class OrderedBatches<T>(Func<List<T>, ScriptCall, Task> send, int maxBatch, int maxInFlight)
{
    private readonly RedisKey _orderKey = RedisKeys.ScriptCallOrder(Guid.NewGuid().ToString("N"));
    private long _calls;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _inFlight = new(maxInFlight, maxInFlight);
    private List<T> _waiting = [];
    private bool _sending;

    /// <summary>Queues a request behind those already added.</summary>
    public void Add(T request)
    {
        bool start;
        lock (_lock)
        {
            _waiting.Add(request);
            start = !_sending;
            _sending = true;
        }
        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static batches => _ = batches.SendWaitingAsync(), this, preferLocal: false);
        }
    }

    /// <summary>Sends what is waiting, a call at a time and up to the limit at once, until nothing is.</summary>
    private async Task SendWaitingAsync()
    {
        while (true)
        {
            await _inFlight.WaitAsync();
            List<T> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    _inFlight.Release();
                    return;
                }
                if (_waiting.Count <= maxBatch)
                {
                    batch = _waiting;
                    _waiting = [];
                }
                else
                {
                    batch = _waiting.GetRange(0, maxBatch);
                    _waiting.RemoveRange(0, maxBatch);
                }
            }
            _ = SendAsync(batch, new ScriptCall(_orderKey, ++_calls));
        }
    }

    /// <summary>
    /// One call; its place among the calls in flight is freed once it is answered. <c>send</c> completes every
    /// request of its batch, failed or not, and never throws: the loop would go on, but a request left
    /// without an answer would wait forever.
    /// </summary>
    private async Task SendAsync(List<T> batch, ScriptCall call)
    {
        try
        {
            await send(batch, call);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}

/// <summary>A batch script call's place in its process's order: the key and number <see cref="GuardLua"/> reads last.</summary>
internal readonly record struct ScriptCall(RedisKey OrderKey, long Number)
{
    /// <summary>
    /// The start of every batch script: the call's order key is its last KEY and its number its last ARGV. A
    /// refused call changes nothing, and its requests fail as on any Redis error.
    /// </summary>
    public const string GuardLua = """
        local call = tonumber(ARGV[#ARGV])
        if call <= tonumber(redis.call('GET', KEYS[#KEYS]) or '0') then
          return redis.error_reply('OVERTAKEN a later call of this process ran first; nothing of this one was applied')
        end
        redis.call('SET', KEYS[#KEYS], call, 'EX', 86400)
        """ + "\n";
}

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
/// </remarks>
internal sealed class OrderedBatches<T>(Func<List<T>, Task> send, int maxBatch, int maxInFlight)
{
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
            _ = SendAsync(batch);
        }
    }

    /// <summary>
    /// One call; its place among the calls in flight is freed once it is answered. <c>send</c> completes every
    /// request of its batch, failed or not, and never throws: the loop would go on, but a request left
    /// without an answer would wait forever.
    /// </summary>
    private async Task SendAsync(List<T> batch)
    {
        try
        {
            await send(batch);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}

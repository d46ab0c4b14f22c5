using System.Text.Json;
using Platform.Redis;

namespace GameChannels.Core;

public sealed partial class RelayPipeline
{
    private readonly record struct LiveMember(IMember Member, long After);

    private sealed class PendingRelay(RelayPipeline pipeline, string tail, int? fromSeat, string from, int? to, string type, JsonElement body, long nowMs, long issuedAt)
    {
        private Task<AppendResult>? _append;

        public string Tail => tail;

        public int? FromSeat => fromSeat;

        public string From => from;

        public int? To => to;

        public string Type => type;

        public JsonElement Body => body;

        public long IssuedAt => issuedAt;

        /// <summary>When it was issued, in Unix milliseconds (its envelope's ts, near enough for the seats' time away).</summary>
        public long NowMs => nowMs;

        /// <summary>Redis's answer, once it has come.</summary>
        public Task<AppendResult>? Append => Volatile.Read(ref _append);

        /// <summary>Completes, after the relay, with the number (or Redis's error).</summary>
        public TaskCompletionSource<long> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Appended(Task<AppendResult> append)
        {
            Volatile.Write(ref _append, append);
            pipeline.RelayCompleted();
        }
    }
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Platform.Redis;

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // While disconnected the client holds commands back until it reconnects, so a ping would only wait.
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy($"Redis does not answer: no connection to {string.Join(", ", redis.GetEndPoints().Select(e => e.ToString()))}");
        }
        try
        {
            var roundTrip = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"ping {roundTrip.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis does not answer: {e.Message}");
        }
    }
}

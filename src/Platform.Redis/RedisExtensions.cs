using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Configuration;
using Platform.ServiceDefaults.Health;
using StackExchange.Redis;

namespace Platform.Redis;

public static class RedisExtensions
{
    /// <summary>
    /// One <see cref="IConnectionMultiplexer"/> for the whole process, connected on first use and reconnecting
    /// by itself when Redis restarts, and a readiness check that pings it.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<RedisOptions>(RedisOptions.Section);
        builder.Services.AddSingleton<IConnectionMultiplexer>(services =>
        {
            var options = ConfigurationOptions.Parse(services.GetRequiredService<IOptions<RedisOptions>>().Value.Configuration);
            // Start even while Redis is down; readiness says so until it is back.
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddSingleton<GameLog>();
        builder.Services.AddSingleton<GamePresence>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }
}

using GameChannels.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Archive;
using Platform.Games;
using Platform.Redis;
using Platform.TestSupport;

namespace GameChannels.Tests;

/// <summary>The channel server's game core wired as the server wires it, on the test servers, without its transports.</summary>
internal static class InProcessCore
{
    /// <summary>
    /// A host (not started) with the core on <paramref name="database"/> and <paramref name="time"/>;
    /// <paramref name="configure"/> runs last, so its settings and services win.
    /// </summary>
    public static IHost Build(TestDatabase database, TimeProvider time, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(TestServers.Environment(database)
            .ToDictionary(setting => setting.Key["PLATFORM_".Length..].Replace("__", ":", StringComparison.Ordinal), setting => setting.Value));
        builder.Services.AddSingleton(time); // the service host registers it
        builder.AddPlatformRedis();
        builder.AddArchive();
        builder.AddJoinTokens();
        builder.AddGameChannels();
        configure?.Invoke(builder);
        return builder.Build();
    }

    public static void Dispose(IHost host)
    {
        // Hangfire logs through the last host's logger factory, process-wide: let go of this one before it is
        // disposed, or the other tests' Hangfire clients in this process fail on it.
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);
        host.Dispose();
    }
}

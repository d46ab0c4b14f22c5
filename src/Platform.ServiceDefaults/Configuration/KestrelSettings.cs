using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults.Configuration;

/// <summary>
/// Kestrel's limits from the Kestrel section (Kestrel:Limits:MaxConcurrentConnections, :KeepAliveTimeout, ...),
/// which the host builder reads only for endpoints. Kestrel's options are read while the app is built, before
/// any validation could word a bad value; so the section is tried first, and a bad one is reported (and left
/// unbound, so that the app can still be built far enough to say so and exit).
/// </summary>
internal static class KestrelSettings
{
    public static IReadOnlyList<string> CheckAndBind(IConfiguration configuration, IServiceCollection services)
    {
        var section = configuration.GetSection("Kestrel");
        try
        {
            section.Bind(new KestrelServerOptions());
        }
        catch (InvalidOperationException e) when (BindingFailures.Describe(configuration, e) is { } problem)
        {
            return [problem];
        }
        services.Configure<KestrelServerOptions>(section);
        return [];
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Configuration;

namespace Platform.ServiceDefaults;

/// <summary>
/// Builders for the platform's processes. The content root is the folder of the binaries, not the working
/// directory, so appsettings.json and wwwroot are found however the process is started.
/// </summary>
public static class PlatformHost
{
    public static WebApplicationBuilder CreateWebBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory })
            .AddServiceDefaults();
        builder.Services.AddSingleton(new EarlyConfigurationProblems(KestrelSettings.CheckAndBind(builder.Configuration, builder.Services)));
        return builder;
    }

    public static HostApplicationBuilder CreateToolBuilder(string[] args) =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory })
            .AddServiceDefaults();
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Platform.ServiceDefaults.Configuration;
using Platform.ServiceDefaults.Health;
using Platform.ServiceDefaults.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Platform.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// What /metrics exports: ASP.NET Core's own meters (requests, connections, queued connections and
    /// requests, SignalR), the runtime's (CPU, memory, GC) and every meter the platform names "Platform.*".
    /// </summary>
    private static readonly string[] Meters =
    [
        "Platform.*",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.SignalR",
        "System.Runtime",
    ];

    /// <summary>
    /// What every service and tool shares: PLATFORM_ environment variables between appsettings.json and
    /// command-line flags, validated settings, structured console logs (journald's format under systemd),
    /// sd_notify, health checks and metrics.
    /// </summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        PlatformConfiguration.AddPlatformEnvironment(builder.Configuration);
        builder.Services.AddSingleton(new EarlyConfigurationProblems(LoggingSettings.CheckAndNeutralise(builder.Configuration)));
        builder.Services.AddSettings<ServiceOptions>(ServiceOptions.Section);
        // Read leniently: a bad value is reported by the ServiceOptions validation, not by a crash here.
        builder.Services.Configure<HostOptions>(host =>
        {
            if (int.TryParse(builder.Configuration[$"{ServiceOptions.Section}:{nameof(ServiceOptions.ShutdownTimeoutSeconds)}"],
                    NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 300)
            {
                host.ShutdownTimeout = TimeSpan.FromSeconds(seconds);
            }
        });

        // READY=1 and STOPPING=1 (and SIGTERM) when systemd is the parent process; SystemdWatchdog adds WATCHDOG=1.
        builder.Services.AddSystemd();
        builder.Services.AddHostedService<SystemdWatchdog>();

        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Services.AddOptions<ConsoleLoggerOptions>().PostConfigure<IConfiguration>((console, configuration) =>
            // The setting wins. Else journald's format whenever the output is the journal (JOURNAL_STREAM), which
            // AddSystemd only picks when its parent is systemd; elsewhere one JSON object per line.
            console.FormatterName = configuration["Logging:Console:FormatterName"] is { Length: > 0 } configured ? configured
                : Environment.GetEnvironmentVariable("JOURNAL_STREAM") is null ? ConsoleFormatterNames.Json
                : ConsoleFormatterNames.Systemd);
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            json.UseUtcTimestamp = true;
        });

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenTelemetry()
            // target_info{service_name="GameChannels"}: which service a scrape came from.
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
            .AddMeter(Meters)
            // Each scrape collects afresh, so a reading taken right after an event shows it.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>
    /// /health/live (the process answers), /health/ready (every check tagged "ready" passes) and /metrics
    /// (Prometheus text, from OpenTelemetry's exporter). Errors become problem+json responses without a stack trace.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = HealthResponse.WriteAsync,
        });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthTags.Ready),
            ResponseWriter = HealthResponse.WriteAsync,
        });

        app.MapPrometheusScrapingEndpoint();
        return app;
    }
}

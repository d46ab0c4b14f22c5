using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.Jobs;

/// <summary>
/// Hangfire's dashboard at /hangfire, served by one worker on its admin port: queues, servers, failed jobs
/// (retry or delete them). It answers 127.0.0.1 and ::1 (an operator's SSH tunnel arrives from there), and
/// anyone else only with the credential of Jobs:DashboardUser / Jobs:DashboardPassword.
/// </summary>
public static class JobsDashboard
{
    public const string Path = "/hangfire";

    /// <summary>The dashboard's services: with antiforgery, its buttons (retry, delete) refuse a POST that another site's page makes.</summary>
    public static IHostApplicationBuilder AddJobsDashboard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAntiforgery();
        // The tokens' keys live in memory: a unit has nowhere writable to keep them (ProtectSystem=strict), and a
        // dashboard page opened before a restart only needs a reload.
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        return builder;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        // Put together on the first request, not here (as UseHangfireDashboard would): Hangfire's storage reads
        // the settings, and a bad one must reach the one-line report at start rather than throw while the app
        // is being built.
        var dashboard = new Lazy<AspNetCoreDashboardMiddleware>(() => new AspNetCoreDashboardMiddleware(
            next: context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            },
            app.Services.GetRequiredService<JobStorage>(),
            new DashboardOptions
            {
                DashboardTitle = "Platform jobs",
                AppPath = null,
                // The Redis configuration string may hold its password.
                DisplayStorageConnectionString = false,
                Authorization = [],
                AsyncAuthorization = [new Access(app.Services.GetRequiredService<IOptions<JobsOptions>>())],
                TimeZoneResolver = app.Services.GetService<ITimeZoneResolver>(),
            },
            app.Services.GetRequiredService<RouteCollection>()));
        app.Map(Path, dashboardApp => dashboardApp.Run(context => dashboard.Value.Invoke(context)));
        return app;
    }

    private sealed class Access(IOptions<JobsOptions> options) : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (IsThisHost(http.Connection.RemoteIpAddress) || HasCredential(http.Request, options.Value))
            {
                return Task.FromResult(true);
            }
            if (options.Value.HasDashboardCredential)
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"Platform jobs\", charset=\"UTF-8\"";
            }
            return Task.FromResult(false); // Hangfire answers 401
        }

        /// <summary>
        /// 127.0.0.1 and ::1 only, not all of 127.0.0.0/8: the rule an operator reads in the README, and one a
        /// test can cross by connecting from 127.0.0.2.
        /// </summary>
        private static bool IsThisHost(IPAddress? remote) =>
            remote is not null && (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote) is var address
            && (address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback));

        private static bool HasCredential(HttpRequest request, JobsOptions jobs)
        {
            if (!jobs.HasDashboardCredential
                || request.Headers.Authorization.ToString() is not { } header
                || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            byte[] given;
            try
            {
                given = Convert.FromBase64String(header["Basic ".Length..].Trim());
            }
            catch (FormatException)
            {
                return false;
            }
            // Compared in constant time, as hashes of equal length, so that neither the password nor its length leaks.
            var expected = Encoding.UTF8.GetBytes($"{jobs.DashboardUser}:{jobs.DashboardPassword}");
            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(expected));
        }
    }
}

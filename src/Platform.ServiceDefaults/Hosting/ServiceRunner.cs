using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Configuration;

namespace Platform.ServiceDefaults.Hosting;

public static class ServiceRunner
{
    /// <summary>Exit code of a service that refused its configuration (systemd shows it in the unit status).</summary>
    public const int BadConfiguration = 2;

    /// <summary>
    /// Validates every setting, then runs the host until it is stopped. A bad setting is reported as one line
    /// per setting on standard error and the process exits with <see cref="BadConfiguration"/>, never with a
    /// stack trace.
    /// </summary>
    public static async Task<int> RunServiceAsync(this IHost host)
    {
        var problems = FindConfigurationProblems(host.Services);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"Invalid setting {problem}");
            }
            return BadConfiguration;
        }

        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (IOException e) when (e.Message.StartsWith("Failed to bind", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"Invalid setting {SettingNames.Describe("Urls")}: {e.Message}");
            return BadConfiguration;
        }
    }

    /// <summary>
    /// For command-line tools: validates every setting the same way, then runs <paramref name="run"/> once
    /// (without starting hosted services) with a token that Ctrl-C or SIGTERM cancels.
    /// </summary>
    public static async Task<int> RunToolAsync(this IHost host, Func<IServiceProvider, CancellationToken, Task<int>> run)
    {
        var problems = FindConfigurationProblems(host.Services);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"Invalid setting {problem}");
            }
            return BadConfiguration;
        }

        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(
            PosixSignal.SIGINT, Cancel);
        using var sigterm = PosixSignalRegistration.Create(
            PosixSignal.SIGTERM, Cancel);
        try
        {
            return await run(host.Services, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }

        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            cancel.Cancel();
        }
    }

    /// <summary>Runs the options validation that ValidateOnStart would run, and words what it finds.</summary>
    public static IReadOnlyList<string> FindConfigurationProblems(IServiceProvider services)
    {
        var early = services.GetServices<EarlyConfigurationProblems>().SelectMany(found => found.Problems);
        return [.. early, .. ValidateOptions(services)];
    }

    private static IReadOnlyList<string> ValidateOptions(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (OptionsValidationException e)
        {
            return e.Failures.ToList();
        }
        catch (AggregateException e)
        {
            return e.InnerExceptions.SelectMany(inner => inner switch
            {
                OptionsValidationException v => v.Failures,
                InvalidOperationException b => [BindingFailures.Describe(services.GetRequiredService<IConfiguration>(), b) ?? throw b],
                _ => throw e,
            }).ToList();
        }
        catch (InvalidOperationException e) when (BindingFailures.Describe(services.GetRequiredService<IConfiguration>(), e) is { } problem)
        {
            return [problem];
        }
    }
}

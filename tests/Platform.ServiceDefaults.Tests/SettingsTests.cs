using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Configuration;
using Platform.ServiceDefaults.Hosting;

namespace Platform.ServiceDefaults.Tests;

public class SettingsTests
{
    public sealed class SampleOptions
    {
        [Range(1, 10, ErrorMessage = "must be between 1 and 10")]
        public int Count { get; set; } = 5;

        [Required(ErrorMessage = "is required")]
        public string? Name { get; set; } = "x";
    }

    private static IReadOnlyList<string> ProblemsWith(params string[] args)
    {
        var builder = PlatformHost.CreateToolBuilder(args);
        builder.Services.AddSettings<SampleOptions>("Sample");
        using var host = builder.Build();
        return ServiceRunner.FindConfigurationProblems(host.Services);
    }

    [Fact]
    public void GoodSettingsHaveNoProblems() => ProblemsWith("--Sample:Count=3").ShouldBeEmpty();

    [Fact]
    public void EachBadSettingIsOneLineNamingItsVariableAndFlag()
    {
        ProblemsWith("--Sample:Count=20", "--Sample:Name=").ShouldBe(
        [
            "Sample:Count (env PLATFORM_SAMPLE__COUNT, flag --Sample:Count): must be between 1 and 10",
            "Sample:Name (env PLATFORM_SAMPLE__NAME, flag --Sample:Name): is required",
        ], ignoreOrder: true);
    }

    [Fact]
    public void AValueOfTheWrongTypeIsNamedWithWhatWasExpected() =>
        ProblemsWith("--Sample:Count=many").ShouldBe(
            ["Sample:Count (env PLATFORM_SAMPLE__COUNT, flag --Sample:Count): 'many' is not a whole number"]);

    [Fact]
    public void AnUnknownLogFormatIsRefused() =>
        ProblemsWith("--Logging:Console:FormatterName=fancy").ShouldBe(
            ["Logging:Console:FormatterName (env PLATFORM_LOGGING__CONSOLE__FORMATTERNAME, flag --Logging:Console:FormatterName): 'fancy' is not a log format (json, simple, systemd)"]);

    [Fact]
    public void EnvironmentOverridesAppSettingsAndFlagsOverrideEnvironment()
    {
        var section = $"Precedence{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable($"PLATFORM_{section.ToUpperInvariant()}__VALUE", "from-env");
        try
        {
            PlatformHost.CreateToolBuilder([]).Configuration[$"{section}:Value"].ShouldBe("from-env");
            PlatformHost.CreateToolBuilder([$"--{section}:Value=from-flag"]).Configuration[$"{section}:Value"].ShouldBe("from-flag");
            PlatformHost.CreateWebBuilder([$"--{section}:Value=from-flag"]).Configuration[$"{section}:Value"].ShouldBe("from-flag");
        }
        finally
        {
            Environment.SetEnvironmentVariable($"PLATFORM_{section.ToUpperInvariant()}__VALUE", null);
        }
    }

    [Theory]
    [InlineData("Redis:Configuration", "PLATFORM_REDIS__CONFIGURATION")]
    [InlineData("Urls", "PLATFORM_URLS")]
    public void SettingNamesMatchWhatOperatorsType(string key, string variable) =>
        SettingNames.EnvironmentVariable(key).ShouldBe(variable);
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Platform.ServiceDefaults.Configuration;

/// <summary>
/// The Logging section is read by the logging framework itself, which throws on an unknown level while the
/// host is being built, before any options validation could word it. So it is checked here, first.
/// </summary>
internal static partial class LoggingSettings
{
    private static readonly string[] Formatters =
        [ConsoleFormatterNames.Json, ConsoleFormatterNames.Simple, ConsoleFormatterNames.Systemd];

    /// <summary>
    /// Returns one problem line per bad logging setting, and puts a harmless value in its place so that the
    /// host can still be built far enough to report them and exit.
    /// </summary>
    public static IReadOnlyList<string> CheckAndNeutralise(IConfigurationManager configuration)
    {
        var problems = new List<string>();
        var placeholders = new Dictionary<string, string?>();
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }
            if (LevelKey().IsMatch(key) && value.Length > 0 && !Enum.TryParse<LogLevel>(value, ignoreCase: true, out _))
            {
                problems.Add($"{SettingNames.Describe(key)}: '{value}' is not a log level ({string.Join(", ", Enum.GetNames<LogLevel>())})");
                placeholders[key] = nameof(LogLevel.Information);
            }
            else if (string.Equals(key, "Logging:Console:FormatterName", StringComparison.OrdinalIgnoreCase)
                && !Formatters.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{SettingNames.Describe(key)}: '{value}' is not a log format ({string.Join(", ", Formatters)})");
            }
        }
        if (placeholders.Count > 0)
        {
            configuration.AddInMemoryCollection(placeholders);
        }
        return problems;
    }

    // Logging:LogLevel:<category> and Logging:<provider>:LogLevel:<category>
    [GeneratedRegex("^Logging(:[^:]+)?:LogLevel:.+$", RegexOptions.IgnoreCase)]
    private static partial Regex LevelKey();
}

/// <summary>Problems found while the host was being built, reported with the options validation's.</summary>
internal sealed record EarlyConfigurationProblems(IReadOnlyList<string> Problems);

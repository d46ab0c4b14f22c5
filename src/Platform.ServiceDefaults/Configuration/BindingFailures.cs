using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Platform.ServiceDefaults.Configuration;

/// <summary>Words the configuration binder's "failed to convert" error as one line about the setting.</summary>
internal static partial class BindingFailures
{
    /// <summary>The problem line, or null if the exception is not a failed conversion of a setting.</summary>
    public static string? Describe(IConfiguration configuration, InvalidOperationException e)
    {
        var match = BindingKey().Match(e.Message);
        if (!match.Success)
        {
            return null;
        }
        var key = match.Groups["key"].Value;
        var expected = match.Groups["type"].Value switch
        {
            "Int16" or "Int32" or "Int64" or "UInt16" or "UInt32" or "UInt64" => "a whole number",
            "Double" or "Single" or "Decimal" => "a number",
            "Boolean" => "true or false",
            "TimeSpan" => "a duration such as 00:00:30",
            var other => "a valid " + other,
        };
        return $"{SettingNames.Describe(key)}: '{configuration[key]}' is not {expected}";
    }

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?:System\\.)?(?<type>[^']+)'")]
    private static partial Regex BindingKey();
}

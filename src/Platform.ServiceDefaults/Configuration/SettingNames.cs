namespace Platform.ServiceDefaults.Configuration;

/// <summary>How an operator spells a configuration key in each of the three places it can be set.</summary>
public static class SettingNames
{
    public const string EnvironmentPrefix = "PLATFORM_";

    /// <summary><c>Redis:Configuration</c> becomes <c>PLATFORM_REDIS__CONFIGURATION</c>.</summary>
    public static string EnvironmentVariable(string key) =>
        EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant();

    public static string CommandLineFlag(string key) => "--" + key;

    /// <summary>The phrase every error message uses to name a setting.</summary>
    public static string Describe(string key) => $"{key} (env {EnvironmentVariable(key)}, flag {CommandLineFlag(key)})";
}

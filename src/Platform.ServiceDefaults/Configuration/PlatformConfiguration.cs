using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Platform.ServiceDefaults.Configuration;

internal static class PlatformConfiguration
{
    /// <summary>
    /// Adds the PLATFORM_ environment variables so that they override appsettings.json and are overridden by
    /// command-line flags: the order an operator expects (file, then unit's environment, then a flag typed
    /// by hand).
    /// </summary>
    public static void AddPlatformEnvironment(IConfigurationBuilder configuration)
    {
        var source = new EnvironmentVariablesConfigurationSource { Prefix = SettingNames.EnvironmentPrefix };
        // The last one: the host builders add the command line twice, once before appsettings.json.
        var commandLine = configuration.Sources.ToList().FindLastIndex(s => s is CommandLineConfigurationSource);
        if (commandLine < 0)
        {
            configuration.Sources.Add(source);
        }
        else
        {
            configuration.Sources.Insert(commandLine, source);
        }
    }
}

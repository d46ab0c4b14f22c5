using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.Tests;

/// <summary>
/// The env templates in systemd/env/ name settings the way an operator types them. A variable no deployable
/// reads, or a default that drifted from appsettings.json, would mislead whoever fills them in.
/// </summary>
public sealed partial class SettingsTemplateTests
{
    public static TheoryData<string> Templates => new(["common", .. Repo.Deployables.Keys]);

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_variable_is_a_setting_the_deployable_reads(string template)
    {
        var readers = template == "common" ? Repo.Deployables.Values.ToList() : [Repo.Deployables[template]];
        var settings = readers.Select(AppSettings).ToList();
        var variables = Variables(template).ToList();
        variables.ShouldNotBeEmpty();

        foreach (var (name, value) in variables)
        {
            // systemd ignores an EnvironmentFile line whose name is not a shell name (a '.' for instance).
            ShellName().IsMatch(name).ShouldBeTrue($"{template}.env: {name} is not a valid variable name");
            name.ShouldStartWith("PLATFORM_");
            var key = name["PLATFORM_".Length..].Replace("__", ":", StringComparison.Ordinal);
            var defaults = settings.Select(s => Find(s, key)).Where(d => d is not null).ToList();
            defaults.ShouldNotBeEmpty($"{template}.env: {name} is not in the appsettings.json of {string.Join(", ", readers)}");
            if (!key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase))
            {
                defaults.ShouldContain(value, $"{template}.env: {name} shows {value}, not the default in appsettings.json");
            }
        }
    }

    /// <summary>The commented-out <c># PLATFORM_X=value</c> lines of one template.</summary>
    private static IEnumerable<(string Name, string Value)> Variables(string template) =>
        File.ReadLines(Path.Combine(Repo.SystemdFolder, "env", template + ".env"))
            .Select(line => CommentedVariable().Match(line))
            .Where(m => m.Success)
            .Select(m => (m.Groups["name"].Value, m.Groups["value"].Value.Trim('\'')));

    private static JsonNode AppSettings(string binary) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "src", binary, "appsettings.json")))!;

    /// <summary>The value at a configuration key (sections joined by ':'), matched without case like IConfiguration.</summary>
    private static string? Find(JsonNode node, string key)
    {
        foreach (var part in key.Split(':'))
        {
            if (node is not JsonObject obj)
            {
                return null;
            }
            var match = obj.FirstOrDefault(p => string.Equals(p.Key, part, StringComparison.OrdinalIgnoreCase));
            if (match.Value is null)
            {
                return null;
            }
            node = match.Value;
        }
        return node is JsonValue value ? value.ToString() : null;
    }

    [GeneratedRegex(@"^#\s*(?<name>[A-Za-z_][^=\s]*)=(?<value>.*)$")]
    private static partial Regex CommentedVariable();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex ShellName();
}

namespace Accounting;

internal static class CommandLine
{
    /// <summary>
    /// The first argument that is neither a configuration flag (<c>--Key=value</c>, or <c>--Key value</c>)
    /// nor that flag's value.
    /// </summary>
    public static string? CommandOf(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') || arg.StartsWith('/'))
            {
                if (!arg.Contains('=', StringComparison.Ordinal))
                {
                    i++; // "--Key value": skip the value
                }
                continue;
            }
            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                return arg;
            }
        }
        return null;
    }
}

namespace Platform.TestSupport;

/// <summary>
/// The real servers the test command (./test) started on free ports for this run, passed in through
/// environment variables. A test never starts its own copy: it makes its own database and keys instead.
/// </summary>
public static class TestServers
{
    public static string Redis => Required("PLATFORM_TEST_REDIS");

    /// <summary>Connection string of the PostgreSQL server, without a database.</summary>
    public static string Postgres => Required("PLATFORM_TEST_POSTGRES");

    public static string Ses => Required("PLATFORM_TEST_SES");

    public static string Chromium => Required("PLATFORM_TEST_CHROMIUM");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with ./test, which starts Redis, PostgreSQL and the SES " +
                "emulator on free ports and sets these variables.");
}

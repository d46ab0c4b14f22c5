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

    /// <summary>A join-token key made for this test run, given to every Web and GameChannels a test starts.</summary>
    public static string TokenKey { get; } = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public const string TokenKeyId = "test";

    /// <summary>Settings under which every service starts, pointed at this run's servers and <paramref name="database"/>.</summary>
    public static Dictionary<string, string?> Environment(TestDatabase? database) => new()
    {
        ["PLATFORM_REDIS__CONFIGURATION"] = Redis,
        ["PLATFORM_ARCHIVE__CONNECTIONSTRING"] = database?.ConnectionString ?? "Host=127.0.0.1;Database=unused;Username=postgres",
        [$"PLATFORM_TOKENS__KEYS__{TokenKeyId}"] = TokenKey,
        ["PLATFORM_TOKENS__CURRENTKEYID"] = TokenKeyId,
    };

    private static string Required(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set. Run the tests with ./test, which starts Redis, PostgreSQL and the SES " +
                "emulator on free ports and sets these variables.");
}

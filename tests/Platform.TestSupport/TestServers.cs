using StackExchange.Redis;

namespace Platform.TestSupport;

/// <summary>
/// The real servers the test command (./test) started on free ports for this run, passed in through
/// environment variables. A test never starts its own copy: it makes its own database and keys instead.
/// </summary>
public static class TestServers
{
    public static string Redis => Required("PLATFORM_TEST_REDIS");

    /// <summary>
    /// The Redis configuration of a database no other test of this run is given (database 0 stays shared), for
    /// tests that start a channel server (it clears every game's presence in its database as it starts) or that
    /// read presence while others may. Redis itself counts them out, so test assemblies running side by side
    /// never share one; ./test starts Redis with enough databases for every fixture of a run.
    /// </summary>
    public static async Task<string> OwnRedisAsync()
    {
        // CONFIG is an admin command: StackExchange.Redis 2 and later refuse it on a connection without allowAdmin.
        using var redis = await ConnectionMultiplexer.ConnectAsync(Redis + ",allowAdmin=true");
        var db = redis.GetDatabase(0);
        var databases = long.Parse((await redis.GetServers()[0].ConfigGetAsync("databases")).Single().Value, System.Globalization.CultureInfo.InvariantCulture);
        var taken = await db.StringIncrementAsync("test:databases-given");
        if (taken >= databases)
        {
            throw new InvalidOperationException($"this run's Redis has {databases} databases, and {taken} tests asked for one of their own: start it with more (./test)");
        }
        return $"{Redis},defaultDatabase={taken}";
    }

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

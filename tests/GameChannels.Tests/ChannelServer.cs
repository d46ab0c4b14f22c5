using Platform.TestSupport;

namespace GameChannels.Tests;

/// <summary>A migrated database and a GameChannels process on it, shared by the tests of one class.</summary>
public class ChannelServer : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public ServiceProcess Process { get; private set; } = null!;

    public Uri Address => Process.BaseAddress!;

    /// <summary>Settings for this class's server, beyond those every test server gets.</summary>
    protected virtual Dictionary<string, string?> Settings => [];

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateMigratedAsync();
        Process = ServiceProcess.StartWithServers("GameChannels", Database, Settings);
        await Process.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Process.DisposeAsync();
        await Database.DisposeAsync();
    }
}

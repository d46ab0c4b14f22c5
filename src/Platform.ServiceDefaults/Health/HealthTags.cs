namespace Platform.ServiceDefaults.Health;

public static class HealthTags
{
    /// <summary>Checks that must pass before the service takes traffic: /health/ready runs only these.</summary>
    public const string Ready = "ready";
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Platform.Archive;

internal sealed class ArchiveHealthCheck(ArchiveSchema schema) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var version = await schema.CurrentVersionAsync(cancellationToken);
            return version >= ArchiveSchema.LatestVersion
                ? HealthCheckResult.Healthy($"schema version {version}")
                : HealthCheckResult.Unhealthy(
                    $"schema version {version}, this build needs {ArchiveSchema.LatestVersion}: run DbMigrate");
        }
        catch (NpgsqlException e)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {e.Message}");
        }
    }
}

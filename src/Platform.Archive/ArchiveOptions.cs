using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Platform.Archive;

/// <summary>Section <c>Archive</c>: the durable archive (PostgreSQL), shared by every host.</summary>
public sealed class ArchiveOptions : IValidatableObject
{
    public const string Section = "Archive";

    /// <summary>An Npgsql connection string. Put the password in the unit's environment file, not here.</summary>
    [Required(ErrorMessage = "is required: an Npgsql connection string, e.g. Host=127.0.0.1;Database=platform;Username=platform")]
    public string ConnectionString { get; set; } = "Host=127.0.0.1;Port=5432;Database=platform;Username=platform";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield break;
        }
        string? problem = null;
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrEmpty(parsed.Host))
            {
                problem = "names no Host";
            }
        }
        catch (ArgumentException e)
        {
            problem = $"is not an Npgsql connection string ({e.Message})";
        }
        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(ConnectionString)]);
        }
    }
}

using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace Platform.Redis;

/// <summary>Section <c>Redis</c>: the host's Redis server.</summary>
public sealed class RedisOptions : IValidatableObject
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, for example <c>127.0.0.1:6379,password=...</c>.</summary>
    [Required(ErrorMessage = "is required: the host's Redis server, e.g. 127.0.0.1:6379")]
    public string Configuration { get; set; } = "127.0.0.1:6379";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            yield break; // [Required] has said it
        }
        string? problem = null;
        try
        {
            if (ConfigurationOptions.Parse(Configuration).EndPoints.Count == 0)
            {
                problem = "names no server: give host:port, e.g. 127.0.0.1:6379";
            }
        }
        catch (ArgumentException e)
        {
            problem = $"is not a Redis configuration string ({e.Message})";
        }
        if (problem is not null)
        {
            yield return new ValidationResult(problem, [nameof(Configuration)]);
        }
    }
}

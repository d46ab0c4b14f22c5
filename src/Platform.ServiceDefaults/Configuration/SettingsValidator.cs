using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Configuration;

/// <summary>
/// Runs the data annotations (and <see cref="IValidatableObject"/>) of one options class and words each
/// failure as one line that names the setting the way an operator sets it.
/// </summary>
internal sealed class SettingsValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = results.Select(r =>
        {
            var member = r.MemberNames.FirstOrDefault();
            var key = member is null ? section : $"{section}:{member}";
            return $"{SettingNames.Describe(key)}: {r.ErrorMessage}";
        });
        return ValidateOptionsResult.Fail(failures);
    }
}

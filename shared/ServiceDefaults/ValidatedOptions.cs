using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ServiceDefaults;

/// <summary>Settings that say what is wrong with them: the one way options are validated in this repository.</summary>
public interface IValidatedOptions
{
    /// <summary>One sentence per invalid setting, naming its configuration key; empty when the settings are valid.</summary>
    IEnumerable<string> Errors();
}

/// <summary>Registers options bound from a configuration section and validated by their own <see cref="IValidatedOptions.Errors"/> at start-up.</summary>
public static class ValidatedOptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/>; the host refuses to start while <see cref="IValidatedOptions.Errors"/>
    /// lists any, or when a setting of an enum type names none of its values (the error lists them).
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class, IValidatedOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Configuration.GetSection(section);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, ErrorsValidator<T>>());
        return builder.Services.AddOptions<T>().Configure(_ => RefuseUnknownNames(typeof(T), settings)).Bind(settings).ValidateOnStart();
    }

    // Runs before binding: the binder's own error for a value that is not a name of the enum does not say which names are.
    private static void RefuseUnknownNames(Type options, IConfigurationSection settings)
    {
        foreach (var property in options.GetProperties().Where(property => property.PropertyType.IsEnum))
        {
            var value = settings[property.Name];
            if (!string.IsNullOrWhiteSpace(value) && !(Enum.TryParse(property.PropertyType, value, ignoreCase: true, out var parsed) && Enum.IsDefined(property.PropertyType, parsed!)))
            {
                throw new InvalidOperationException(
                    $"{settings.Path}:{property.Name} is '{value}', which is not one of its values. Use {string.Join(" or ", Enum.GetNames(property.PropertyType))}.");
            }
        }
    }

    private sealed class ErrorsValidator<T> : IValidateOptions<T>
        where T : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Errors().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}

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
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/>; the host refuses to start while <see cref="IValidatedOptions.Errors"/> lists any.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class, IValidatedOptions
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, ErrorsValidator<T>>());
        return builder.Services.AddOptions<T>().Bind(builder.Configuration.GetSection(section)).ValidateOnStart();
    }

    private sealed class ErrorsValidator<T> : IValidateOptions<T>
        where T : class, IValidatedOptions
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            options.Errors().ToList() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}

using System.Diagnostics.Metrics;
using Foundation.Configuration;
using Foundation.Email;
using Foundation.Email.Development;
using Foundation.Email.Diagnostics;
using Foundation.Email.Smtp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Email.</summary>
public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IEmailSender"/> with options from <c>Foundation:Email</c> (unknown keys fail the start): the SMTP
    /// sender when <c>Foundation:Email:Smtp:Host</c> is set, otherwise the development sink. A sender registered before this
    /// call wins (TryAdd). Options are validated when the host starts, each failure naming its key.
    /// </summary>
    public static EmailBuilder AddFoundationEmail(this IServiceCollection services, IConfiguration configuration, Action<EmailOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<EmailOptions>().BindStrictly(configuration.GetSection(EmailOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Registers an <see cref="IEmailSender"/> with options set in code only.</summary>
    public static EmailBuilder AddFoundationEmail(this IServiceCollection services, Action<EmailOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<EmailOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    private static EmailBuilder AddCore(IServiceCollection services, OptionsBuilder<EmailOptions> options)
    {
        options.ValidateOnStart();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, EmailOptionsValidator>());
        services.TryAddSingleton(sp => new EmailTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton<DevelopmentMailbox>();
        services.TryAddSingleton<DevelopmentEmailSink>();
        services.TryAddSingleton<SmtpEmailSender>();
        services.TryAddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<EmailOptions>>().Value.UsesSmtp()
            ? sp.GetRequiredService<SmtpEmailSender>()
            : sp.GetRequiredService<DevelopmentEmailSink>());
        return new EmailBuilder(services);
    }
}

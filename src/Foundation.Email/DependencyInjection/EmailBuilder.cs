using Foundation.Email;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Further choices for Foundation.Email.</summary>
public sealed class EmailBuilder
{
    internal EmailBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// The development sink's folder when <c>Foundation:Email:DevelopmentSink:Directory</c> is not set (Foundation.Hosting passes
    /// <c>{DataDirectory}/mail</c>).
    /// </summary>
    public EmailBuilder UseDefaultSinkDirectory(Func<IServiceProvider, string> directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Services.AddSingleton<IPostConfigureOptions<EmailOptions>>(sp => new PostConfigureOptions<EmailOptions>(Options.Options.DefaultName, o =>
        {
            if (string.IsNullOrWhiteSpace(o.DevelopmentSink.Directory))
            {
                o.DevelopmentSink.Directory = directory(sp);
            }
        }));
        return this;
    }
}

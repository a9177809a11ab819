using Foundation.Auth.SecondFactor;
using Foundation.Auth.Totp;
using Foundation.Auth.Totp.Storage;
using Foundation.Configuration;
using Foundation.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses where Foundation.Auth.Totp keeps its data.</summary>
public sealed class TotpBuilder
{
    internal TotpBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }
}

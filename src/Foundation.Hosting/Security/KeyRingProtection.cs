using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Foundation.Hosting.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foundation.Hosting.Security;

/// <summary>
/// The certificate of <c>Foundation:DataProtection:Certificate</c>, loaded once when first needed (after the options were
/// validated at start, which reports a missing or unreadable file naming the key).
/// </summary>
internal sealed class KeyRingCertificate : IDisposable
{
    private readonly Lazy<X509Certificate2?> _certificate;

    public KeyRingCertificate(IOptions<FoundationOptions> options, IHostEnvironment environment)
    {
        var settings = options.Value.DataProtection.Certificate;
        _certificate = new Lazy<X509Certificate2?>(
            () => settings.Path is { Length: > 0 } path ? Load(FoundationPaths.Resolve(path, environment.ContentRootPath), settings.Password) : null,
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The certificate, or null when none is configured.</summary>
    public X509Certificate2? Certificate => _certificate.Value;

    /// <summary>
    /// Gives the certificate to Data Protection's XML decryption, so keys it encrypted are read without a certificate
    /// store. The options type that holds decryption certificates is internal to Data Protection; its public
    /// <c>UnprotectKeysWithAnyCertificate</c> registers a configure step for them, which needs the certificate at once.
    /// So that step is made when the options are first built (after validation, with the content root known): the
    /// registration <c>UnprotectKeysWithAnyCertificate</c> makes is produced then, on a scratch collection, and served here.
    /// </summary>
    public static void AddKeyDecryption(IServiceCollection services)
    {
        var serviceType = ConfigureStep(certificate: null).ServiceType;
        services.Add(ServiceDescriptor.Singleton(serviceType, sp =>
            ConfigureStep(sp.GetRequiredService<KeyRingCertificate>().Certificate).ImplementationInstance
                ?? throw new InvalidOperationException("UnprotectKeysWithAnyCertificate registered no configure step instance.")));
    }

    private static ServiceDescriptor ConfigureStep(X509Certificate2? certificate)
    {
        var scratch = new ScratchBuilder(new ServiceCollection());
        scratch.UnprotectKeysWithAnyCertificate(certificate is null ? [] : [certificate]);
        return scratch.Services.Single(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>));
    }

    /// <summary>Reads a PKCS#12 file with its private key.</summary>
    public static X509Certificate2 Load(string path, string? password) =>
        X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.DefaultKeySet);

    /// <summary>What is wrong with the configured certificate, naming the key; null when it can encrypt the key ring.</summary>
    public static string? Problem(DataProtectionCertificateSettings settings, string contentRoot)
    {
        const string Key = "Foundation:DataProtection:Certificate";
        if (string.IsNullOrWhiteSpace(settings.Path))
        {
            return string.IsNullOrEmpty(settings.Password)
                ? null
                : $"{Key}:Password is set but {Key}:Path is not; give the PKCS#12 (.pfx) file the password opens.";
        }

        var path = FoundationPaths.Resolve(settings.Path, contentRoot);
        if (!File.Exists(path))
        {
            return $"{Key}:Path is '{settings.Path}', but there is no file {path}; give a PKCS#12 (.pfx) file with the certificate and its RSA private key.";
        }

        try
        {
            using var certificate = Load(path, settings.Password);
            using var rsa = certificate.GetRSAPrivateKey();
            return rsa is null
                ? $"{Key}:Path is '{settings.Path}', whose certificate ({certificate.Subject}) has no RSA private key; the key ring is encrypted to an RSA key (XML encryption), so give a PKCS#12 file with an RSA key pair."
                : null;
        }
        catch (CryptographicException ex)
        {
            return $"{Key}:Path is '{settings.Path}', which cannot be read as a PKCS#12 (.pfx) file with {Key}:Password as given: {ex.Message}";
        }
    }

    public void Dispose()
    {
        if (_certificate.IsValueCreated)
        {
            _certificate.Value?.Dispose();
        }
    }

    private sealed class ScratchBuilder(IServiceCollection services) : IDataProtectionBuilder
    {
        public IServiceCollection Services { get; } = services;
    }
}

/// <summary>
/// Says in the start-up log where the Data Protection key ring lives and whether it is encrypted at rest: the keys
/// decrypt every secret Foundation stores (TOTP secrets, provider keys, token-signing keys), so an operator must know
/// what protects them.
/// </summary>
internal sealed partial class KeyRingReport(
    IOptions<KeyManagementOptions> keys,
    KeyRingCertificate certificate,
    IHostEnvironment environment,
    ILogger<KeyRingReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = keys.Value;
        var location = Location(options.XmlRepository);
        switch (options.XmlEncryptor)
        {
            case null when environment.IsDevelopment():
                LogUnencryptedDevelopment(logger, location);
                break;
            case null:
                LogUnencrypted(logger, location);
                break;
            case CertificateXmlEncryptor when certificate.Certificate is { } configured:
                LogCertificate(logger, location, configured.Subject, configured.Thumbprint);
                break;
            default:
                LogEncryptor(logger, location, options.XmlEncryptor.GetType().FullName ?? options.XmlEncryptor.GetType().Name);
                break;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The folder (with its mode where there is one) or the repository type.</summary>
    internal static string Location(IXmlRepository? repository)
    {
        if (repository is FileSystemXmlRepository files)
        {
            var path = files.Directory.FullName;
            return Directory.Exists(path) && PrivateFiles.ModeOf(path) is { } mode ? $"{path} (mode {PrivateFiles.Octal(mode)})" : path;
        }

        if (repository is Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.EntityFrameworkCoreXmlRepository<Foundation.Hosting.Data.KeyRing.KeyRingDbContext>)
        {
            return "the database (table foundation_data_protection_keys, shared by every instance)";
        }

        if (repository is Microsoft.AspNetCore.DataProtection.StackExchangeRedis.RedisXmlRepository)
        {
            return "Redis (Foundation:Redis, key {KeyPrefix}data-protection-keys, shared by every instance)";
        }

        return repository is null
            ? "ASP.NET Core's default location (no repository configured)"
            : $"the repository {repository.GetType().FullName}";
    }

    private const string Hint = "anyone who can read them can decrypt every secret Foundation stores; set Foundation:DataProtection:Certificate:Path to encrypt them";

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Data Protection keys are kept in {Location}, not encrypted at rest: " + Hint)]
    private static partial void LogUnencrypted(ILogger logger, string location);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "Data Protection keys are kept in {Location}, not encrypted at rest: " + Hint)]
    private static partial void LogUnencryptedDevelopment(ILogger logger, string location);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Data Protection keys are kept in {Location}, encrypted at rest with the certificate {Subject} (thumbprint {Thumbprint})")]
    private static partial void LogCertificate(ILogger logger, string location, string subject, string thumbprint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Data Protection keys are kept in {Location}, encrypted at rest by {Encryptor}")]
    private static partial void LogEncryptor(ILogger logger, string location, string encryptor);
}

using Foundation.Internal;
using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Amazon.S3;
using Foundation.Configuration;
using Foundation.Storage;
using Foundation.Storage.Blobs;
using Foundation.Storage.Diagnostics;
using Foundation.Storage.Files;
using Foundation.Storage.Links;
using Foundation.Storage.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Foundation.Storage.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers Foundation.Storage with options from <c>Foundation:Storage</c> (unknown keys fail the start). Choose the metadata store on the
    /// returned builder (<c>UseSqlite</c>, <c>UseNpgsql</c> or <c>UseDbContext</c>); the blob backend follows <c>Foundation:Storage:Provider</c>
    /// unless the host registered its own <see cref="IBlobStore"/>.
    /// </summary>
    public static StorageBuilder AddFoundationStorage(this IServiceCollection services, IConfiguration configuration, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = services.AddOptions<StorageOptions>().BindStrictly(configuration.GetSection(StorageOptions.SectionName));
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    /// <summary>Registers Foundation.Storage with options set in code only.</summary>
    public static StorageBuilder AddFoundationStorage(this IServiceCollection services, Action<StorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StorageOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(services, options);
    }

    private static StorageBuilder AddCore(IServiceCollection services, OptionsBuilder<StorageOptions> options)
    {
        options.ValidateOnStart();
        services.AddFoundationDefaults();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(sp => new StorageTelemetry(sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(CreateBlobStore);
        services.TryAddSingleton<StorageLinkSigner>();
        services.TryAddScoped(sp => new FileStorageService(sp.GetRequiredService<StorageDbContext>(), sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<StorageLinkSigner>(), sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Foundation.Auditing.IAuditEventWriter>(), sp.GetRequiredService<StorageTelemetry>()));
        return new StorageBuilder(services);
    }

    private static IBlobStore CreateBlobStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider == StorageProvider.FileSystem)
        {
            return new FileSystemBlobStore(options.RootPath!);
        }

        var s3 = options.S3;
        var config = new AmazonS3Config
        {
            AuthenticationRegion = s3.Region,
            ForcePathStyle = s3.ForcePathStyle,

            // Checksums only where S3 requires them: S3-compatible servers do not all accept the SDK's default trailing checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (s3.ServiceUrl is { Length: > 0 } url)
        {
            config.ServiceURL = url;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(s3.Region);
        }

        var client = s3.AccessKeyId is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, s3.SecretAccessKey), config)
            : new AmazonS3Client(config);
        return new S3BlobStore(client, s3.Bucket!, s3.KeyPrefix, s3.PartSizeMiB * 1024 * 1024, services.GetService<Microsoft.Extensions.Logging.ILogger<S3BlobStore>>());
    }
}

/// <summary>Chooses where Foundation.Storage keeps its metadata.</summary>
public sealed class StorageBuilder
{
    internal StorageBuilder(IServiceCollection services) => Services = services;

    /// <summary>The services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Keeps the metadata in the SQLite database of <paramref name="connectionString"/>.</summary>
    public StorageBuilder UseSqlite(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Sqlite(connectionString), migrateOnStartup);

    /// <summary>Keeps the metadata in the PostgreSQL database of <paramref name="connectionString"/>.</summary>
    public StorageBuilder UseNpgsql(string connectionString, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Npgsql(connectionString), migrateOnStartup);

    /// <summary>Configures <see cref="StorageDbContext"/> yourself. The migrations ship for SQLite and PostgreSQL only.</summary>
    public StorageBuilder UseDbContext(Action<DbContextOptionsBuilder> configure, bool migrateOnStartup = false) =>
        UseDbContext(StoreRegistration.Own(configure), migrateOnStartup);

    /// <summary>Configures <see cref="StorageDbContext"/> from the application's services.</summary>
    public StorageBuilder UseDbContext(Action<IServiceProvider, DbContextOptionsBuilder> configure, bool migrateOnStartup = false)
    {
        StoreRegistration.UseDbContext<StorageDbContext, StorageDatabaseMigrator>(Services, configure, migrateOnStartup);
        Services.TryAddEnumerable(ServiceDescriptor.Scoped<Foundation.PersonalData.IPersonalDataProvider, Foundation.Storage.PersonalData.StoragePersonalDataProvider>());
        return this;
    }

    /// <summary>The file-system root used when <c>Foundation:Storage:RootPath</c> is not set (Foundation.Hosting: <c>{DataDirectory}/files</c>).</summary>
    public StorageBuilder UseDefaultRootPath(Func<IServiceProvider, string> rootPath)
    {
        ArgumentNullException.ThrowIfNull(rootPath);
        Services.AddSingleton<IPostConfigureOptions<StorageOptions>>(sp => new PostConfigureOptions<StorageOptions>(Options.Options.DefaultName, o =>
        {
            if (o.Provider == StorageProvider.FileSystem && string.IsNullOrWhiteSpace(o.RootPath))
            {
                o.RootPath = rootPath(sp);
            }
        }));
        return this;
    }
}

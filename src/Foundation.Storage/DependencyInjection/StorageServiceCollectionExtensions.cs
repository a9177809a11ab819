using System.Diagnostics.Metrics;
using Amazon.Runtime;
using Amazon.S3;
using Foundation.Configuration;
using Foundation.Storage;
using Foundation.Storage.Backups;
using Foundation.Storage.Blobs;
using Foundation.Storage.Diagnostics;
using Foundation.Storage.Files;
using Foundation.Storage.Links;
using Foundation.Storage.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
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
        services.TryAddSingleton(sp => new Foundation.Storage.Images.ImageProcessor(sp.GetRequiredService<IOptions<StorageOptions>>().Value.Images.MaxConcurrentDecodes));

        // Backups of the suite's database (Backups/): the service, its target, and the scheduler (idle unless Backups:Enabled).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, BackupOptionsValidator>());
        services.TryAddSingleton(CreateBackupTarget);
        services.TryAddSingleton<BackupService>();
        services.TryAddSingleton<BackupScheduler>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BackupScheduler>(sp => sp.GetRequiredService<BackupScheduler>()));
        services.TryAddScoped(sp => new FileStorageService(sp.GetRequiredService<StorageDbContext>(), sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<StorageLinkSigner>(), sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Foundation.Auditing.IAuditEventWriter>(), sp.GetRequiredService<StorageTelemetry>(),
            sp.GetRequiredService<Foundation.Storage.Images.ImageProcessor>()));
        return new StorageBuilder(services);
    }

    private static IBlobStore CreateBlobStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (options.Provider == StorageProvider.FileSystem)
        {
            return new FileSystemBlobStore(options.RootPath!);
        }

        return new S3BlobStore(CreateS3Client(options.S3), options.S3.Bucket!, options.S3.KeyPrefix, options.S3.PartSizeMiB * 1024 * 1024,
            services.GetService<Microsoft.Extensions.Logging.ILogger<S3BlobStore>>());
    }

    private static IBackupTarget CreateBackupTarget(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var backups = options.Backups;
        if (backups.Target == BackupTargetKind.S3)
        {
            return new S3BackupTarget(CreateS3Client(options.S3), backups.S3Bucket is { Length: > 0 } bucket ? bucket : options.S3.Bucket!, backups.S3Prefix,
                Math.Max(5, options.S3.PartSizeMiB) * 1024L * 1024);
        }

        return new FileSystemBackupTarget(backups.Path is { Length: > 0 } path
            ? path
            : throw new BackupException("Foundation:Storage:Backups:Path is empty: give the folder backups are kept in (Foundation.Hosting defaults it to {DataDirectory}/backups)."));
    }

    private static AmazonS3Client CreateS3Client(StorageS3Options s3)
    {
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

        return s3.AccessKeyId is { Length: > 0 } accessKey
            ? new AmazonS3Client(new BasicAWSCredentials(accessKey, s3.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }
}

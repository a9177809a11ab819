using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Storage;

/// <summary>Resolves the store with a message that says what to do when none was chosen.</summary>
internal static class AuthStoreServices
{
    public const string NoStoreMessage =
        "Foundation.Auth has no store: call .UseSqlite(connectionString), .UseNpgsql(connectionString) or .UseDbContext(...) on the builder that AddFoundationAuth() returns.";

    public static AuthDbContext GetDbContext(IServiceProvider services) =>
        services.GetService<AuthDbContext>() ?? throw new InvalidOperationException(NoStoreMessage);

    public static bool HasStore(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>()?.IsService(typeof(AuthDbContext)) ?? false;
}

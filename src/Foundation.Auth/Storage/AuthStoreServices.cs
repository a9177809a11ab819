using Foundation.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace Foundation.Auth.Storage;

/// <summary>The Auth store's definition, and resolving it with a message that says what to do when none was chosen.</summary>
internal static class AuthStoreServices
{
    public const string NoStoreMessage =
        "Foundation.Auth has no store: call .UseSqlite(connectionString), .UseNpgsql(connectionString) or .UseDbContext(...) on the builder that AddFoundationAuth() returns.";

    /// <summary>The store: PostgreSQL advisory lock key 0x466F756E01 (decision 0007).</summary>
    public static readonly StoreDefinition<AuthDbContext> Store = new("auth", 0x46_6F_75_6E_01, NoStoreMessage);

    public static AuthDbContext GetDbContext(IServiceProvider services) =>
        services.GetService<AuthDbContext>() ?? throw new InvalidOperationException(NoStoreMessage);

    public static bool HasStore(IServiceProvider services) =>
        services.GetService<IServiceProviderIsService>()?.IsService(typeof(AuthDbContext)) ?? false;
}

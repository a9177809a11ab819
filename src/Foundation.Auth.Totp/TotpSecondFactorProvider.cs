using Foundation.Auth.SecondFactor;
using Foundation.Auth.Totp.Storage;
using Microsoft.EntityFrameworkCore;

namespace Foundation.Auth.Totp;

/// <summary>The <c>totp</c> second factor of Foundation.Auth's login: required when the user has TOTP enabled.</summary>
public sealed class TotpSecondFactorProvider : ISecondFactorProvider
{
    /// <summary>The factor's name: <c>totp</c>.</summary>
    public const string FactorName = "totp";

    private readonly TotpDbContext _db;

    /// <summary>Creates the provider.</summary>
    public TotpSecondFactorProvider(TotpDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
    }

    /// <inheritdoc />
    public string Name => FactorName;

    /// <inheritdoc />
    public async ValueTask<bool> IsRequiredAsync(Guid userId, string? deviceToken, CancellationToken cancellationToken = default) =>
        await _db.Enrollments.AnyAsync(e => e.UserId == userId && e.Status == TotpEnrollmentStatus.Enabled, cancellationToken).ConfigureAwait(false);
}

using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp;

/// <summary>
/// Settings of two-factor authentication with TOTP, bound from <c>Foundation:Auth:Totp</c>. Algorithm, digits and period
/// apply to new enrolments; an enrolment keeps the values it was created with.
/// </summary>
public sealed class TotpOptions
{
    /// <summary>The configuration section: <c>Foundation:Auth:Totp</c>.</summary>
    public const string SectionName = "Foundation:Auth:Totp";

    /// <summary>The issuer an authenticator app shows above the code. Default <c>Foundation</c>.</summary>
    public string Issuer { get; set; } = "Foundation";

    /// <summary>The HMAC hash function of new enrolments. Default SHA-1, the one every authenticator app supports.</summary>
    public TotpAlgorithm Algorithm { get; set; } = TotpAlgorithm.Sha1;

    /// <summary>The number of digits of a code: 6 to 8. Default 6.</summary>
    public int Digits { get; set; } = 6;

    /// <summary>The period of a code in seconds. Default 30.</summary>
    public int PeriodSeconds { get; set; } = 30;

    /// <summary>How many steps before and after now are also accepted: 0 to 10. Default 1.</summary>
    public int Window { get; set; } = 1;

    /// <summary>How long a started setup may be confirmed, in minutes. Default 10.</summary>
    public int SetupLifetimeMinutes { get; set; } = 10;

    /// <summary>Failed codes within <see cref="FailureWindowMinutes"/> that block the user. Default 5.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>The window in which failed codes are counted, in minutes. Default 15.</summary>
    public int FailureWindowMinutes { get; set; } = 15;

    /// <summary>How long a user is blocked after too many failed codes, in minutes. Default 15.</summary>
    public int BlockMinutes { get; set; } = 15;

    /// <summary>How many recovery codes an enrolment gets: 1 to 50. Default 10.</summary>
    public int RecoveryCodeCount { get; set; } = 10;

    /// <summary>
    /// How long a device remembered at verification ("remember this device") skips the second factor: 1 minute to 365
    /// days. Default 30 days (configuration value <c>30.00:00:00</c>).
    /// </summary>
    public TimeSpan TrustedDeviceLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How many trusted devices a user keeps: 1 to 100; trusting one more forgets the oldest. Default 10.</summary>
    public int MaxTrustedDevicesPerUser { get; set; } = 10;

    /// <summary>
    /// Roles whose holders must have TOTP enabled (for example <c>owner</c> and <c>admin</c>); with Foundation.Hosting,
    /// such a user without it gets 403 on protected endpoints until enrolled. A built-in role also covers the roles above
    /// it (<c>admin</c> covers <c>owner</c>). Default none.
    /// </summary>
    public IList<string> RequiredForRoles { get; set; } = [];
}

namespace Foundation.Auth.Totp.Authorization;

/// <summary>Marks the endpoints that enable or disable TOTP, so the enrolment cache forgets the caller.</summary>
internal sealed class SecondFactorEnrolmentChangeMetadata
{
    public static readonly SecondFactorEnrolmentChangeMetadata Instance = new();
}

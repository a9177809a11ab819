using System.Runtime.CompilerServices;
using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Internal;

/// <summary>Argument checks shared by HOTP, TOTP and provisioning, so each refuses the same things with the same words.</summary>
internal static class OtpArguments
{
    public const int MinDigits = 6;
    public const int MaxDigits = 8;
    public const int MaxWindow = 10;

    public static void Digits(int digits, [CallerArgumentExpression(nameof(digits))] string? name = null)
    {
        if (digits is < MinDigits or > MaxDigits)
        {
            throw new ArgumentOutOfRangeException(name, digits, $"A one-time password has {MinDigits} to {MaxDigits} digits (RFC 4226 section 5.3).");
        }
    }

    public static void Algorithm(TotpAlgorithm algorithm, [CallerArgumentExpression(nameof(algorithm))] string? name = null)
    {
        if (algorithm is not (TotpAlgorithm.Sha1 or TotpAlgorithm.Sha256 or TotpAlgorithm.Sha512))
        {
            throw new ArgumentOutOfRangeException(name, algorithm, "The algorithm is one of Sha1, Sha256 and Sha512.");
        }
    }

    public static void Period(int periodSeconds, [CallerArgumentExpression(nameof(periodSeconds))] string? name = null)
    {
        if (periodSeconds <= 0)
        {
            throw new ArgumentOutOfRangeException(name, periodSeconds, "The period is a positive number of seconds (30 by default).");
        }
    }

    public static void Window(int window, [CallerArgumentExpression(nameof(window))] string? name = null)
    {
        if (window is < 0 or > MaxWindow)
        {
            throw new ArgumentOutOfRangeException(name, window, $"The verification window is 0 to {MaxWindow} time steps on each side of now (1 is the usual choice).");
        }
    }

    public static void Secret(ReadOnlySpan<byte> secret, [CallerArgumentExpression(nameof(secret))] string? name = null)
    {
        if (secret.IsEmpty)
        {
            throw new ArgumentException("The shared secret is empty.", name);
        }
    }
}

using System.Security.Cryptography;
using Foundation.Auth.Totp.Internal;
using OtpNet;

namespace Foundation.Auth.Totp.Otp;

/// <summary>
/// TOTP, the time-based one-time password of RFC 6238: <see cref="Hotp"/> with the counter
/// <c>T = floor((unix time - T0) / period)</c>, where T0 is the Unix epoch and the period 30 seconds by default.
/// </summary>
/// <remarks>
/// <para>
/// These are pure functions of their arguments: the time is passed in. Library code takes it from an injected
/// <see cref="TimeProvider"/> (<c>timeProvider.GetUtcNow()</c>), never from the system clock directly.
/// </para>
/// <para>
/// <see cref="Verify(ReadOnlySpan{byte}, ReadOnlySpan{char}, DateTimeOffset, int, out long, int, TotpAlgorithm, int)"/> tells which
/// time step matched. A code is valid for the whole window, so it can be replayed within it: the caller records the
/// matched step per user and refuses any step at or before the last one it accepted. This class has no state and does
/// not do that itself.
/// </para>
/// </remarks>
public static class Totp
{
    /// <summary>The default period: 30 seconds (RFC 6238 section 5.2; what authenticator apps assume).</summary>
    public const int DefaultPeriodSeconds = 30;

    /// <summary>The default number of digits: 6.</summary>
    public const int DefaultDigits = 6;

    /// <summary>The largest verification window: 10 steps on each side of now.</summary>
    public const int MaxWindow = OtpArguments.MaxWindow;

    /// <summary>Returns the time step (RFC 6238's T) that <paramref name="time"/> falls in, with T0 = the Unix epoch.</summary>
    /// <param name="time">The time; any offset (only the instant counts).</param>
    /// <param name="periodSeconds">The length of a step in seconds; positive.</param>
    /// <returns><c>floor(unix seconds / period)</c>; negative before 1970.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="periodSeconds"/> is not positive.</exception>
    public static long GetTimeStep(DateTimeOffset time, int periodSeconds = DefaultPeriodSeconds)
    {
        OtpArguments.Period(periodSeconds);
        return Math.DivRem(time.ToUnixTimeSeconds(), periodSeconds) switch
        {
            (var quotient, < 0) => quotient - 1,
            (var quotient, _) => quotient,
        };
    }

    /// <summary>Computes the code for the time step <paramref name="time"/> falls in.</summary>
    /// <param name="secret">The shared secret; not empty.</param>
    /// <param name="time">The time, from 1970 on.</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="periodSeconds">The length of a step in seconds; positive.</param>
    /// <returns>The code, <paramref name="digits"/> ASCII digits.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range, or <paramref name="time"/> is before 1970.</exception>
    public static string Compute(
        ReadOnlySpan<byte> secret,
        DateTimeOffset time,
        int digits = DefaultDigits,
        TotpAlgorithm algorithm = TotpAlgorithm.Sha1,
        int periodSeconds = DefaultPeriodSeconds)
    {
        var step = GetTimeStep(time, periodSeconds);
        if (step < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "TOTP counts time steps from 1970-01-01T00:00:00Z; the time is earlier.");
        }

        OtpArguments.Secret(secret);
        OtpArguments.Digits(digits);
        OtpArguments.Algorithm(algorithm);
        var key = secret.ToArray();
        try
        {
            return new OtpNet.Totp(key, periodSeconds, Hotp.ToHashMode(algorithm), digits).ComputeTotp(time.UtcDateTime);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Checks <paramref name="code"/> against the time steps <c>now - window</c> to <c>now + window</c> and reports the step
    /// that matched.
    /// </summary>
    /// <param name="secret">The shared secret; not empty.</param>
    /// <param name="code">What the user typed; <see langword="null"/> does not match. Normalised as in
    /// <see cref="Verify(ReadOnlySpan{byte}, ReadOnlySpan{char}, DateTimeOffset, int, out long, int, TotpAlgorithm, int)"/>.</param>
    /// <param name="now">The current time (from the injected <see cref="TimeProvider"/>).</param>
    /// <param name="window">How many steps before and after now are also accepted: 0 to <see cref="MaxWindow"/>; 1 is usual.</param>
    /// <param name="matchedTimeStep">The matched time step, or -1 when the code does not match.</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="periodSeconds">The length of a step in seconds; positive.</param>
    /// <returns>Whether the code matches a step in the window.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/>, <paramref name="digits"/>, <paramref name="algorithm"/> or <paramref name="periodSeconds"/> is out of range.</exception>
    public static bool Verify(
        ReadOnlySpan<byte> secret,
        string? code,
        DateTimeOffset now,
        int window,
        out long matchedTimeStep,
        int digits = DefaultDigits,
        TotpAlgorithm algorithm = TotpAlgorithm.Sha1,
        int periodSeconds = DefaultPeriodSeconds)
    {
        if (code is null)
        {
            CheckArguments(secret, window, digits, algorithm, periodSeconds);
            matchedTimeStep = -1;
            return false;
        }

        return Verify(secret, code.AsSpan(), now, window, out matchedTimeStep, digits, algorithm, periodSeconds);
    }

    /// <summary>
    /// Checks <paramref name="code"/> against the time steps <c>now - window</c> to <c>now + window</c> and reports the step
    /// that matched, through Otp.NET's <see cref="OtpNet.Totp.VerifyTotp(DateTime, string, out long, VerificationWindow)"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// What is normalised, and nothing else: white space around the code is trimmed (<see cref="MemoryExtensions.Trim(ReadOnlySpan{char})"/>,
    /// i.e. <see cref="char.IsWhiteSpace(char)"/>), and ASCII spaces (U+0020) between digits are ignored, so <c>" 123 456 "</c>
    /// is <c>123456</c>. What remains must be exactly <paramref name="digits"/> ASCII digits <c>0</c>-<c>9</c>; anything else
    /// (letters, other digits such as full-width <c>１</c>, tabs or hyphens inside, too few or too many digits, empty) does
    /// not match. Argument checks still throw for a malformed code.
    /// </para>
    /// <para>
    /// Otp.NET computes the steps in the order now, now - 1, ..., now - window, now + 1, ..., now + window, compares each
    /// code in constant time and stops at the first match, so the time taken may tell which step matched (which is not a
    /// secret) but not how close a wrong code came. When two steps give the same code (a chance of about one in a million)
    /// the first in that order is reported; with the usual window of 1 that is the closest to now, the earlier on a tie.
    /// Steps before 1970 are skipped.
    /// </para>
    /// </remarks>
    /// <param name="secret">The shared secret; not empty.</param>
    /// <param name="code">What the user typed.</param>
    /// <param name="now">The current time (from the injected <see cref="TimeProvider"/>).</param>
    /// <param name="window">How many steps before and after now are also accepted: 0 to <see cref="MaxWindow"/>; 1 is usual.</param>
    /// <param name="matchedTimeStep">The matched time step, or -1 when the code does not match.</param>
    /// <param name="digits">The length of the code: 6 to 8.</param>
    /// <param name="algorithm">The HMAC hash function.</param>
    /// <param name="periodSeconds">The length of a step in seconds; positive.</param>
    /// <returns>Whether the code matches a step in the window.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="window"/>, <paramref name="digits"/>, <paramref name="algorithm"/> or <paramref name="periodSeconds"/> is out of range.</exception>
    public static bool Verify(
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<char> code,
        DateTimeOffset now,
        int window,
        out long matchedTimeStep,
        int digits = DefaultDigits,
        TotpAlgorithm algorithm = TotpAlgorithm.Sha1,
        int periodSeconds = DefaultPeriodSeconds)
    {
        CheckArguments(secret, window, digits, algorithm, periodSeconds);
        matchedTimeStep = -1;

        Span<char> typed = stackalloc char[Hotp.MaxDigits];
        if (!TryNormalize(code, digits, typed))
        {
            return false;
        }

        // Otp.NET checks the current step, then the earlier ones nearest first, then the later ones nearest first, and
        // never a step before 1970. Before 1970 (a clock that is badly wrong) only the steps from 0 on can match.
        var current = GetTimeStep(now, periodSeconds);
        DateTime at;
        VerificationWindow steps;
        if (current >= 0)
        {
            at = now.UtcDateTime;
            steps = new VerificationWindow(previous: window, future: window);
        }
        else if (current + window >= 0)
        {
            at = DateTime.UnixEpoch;
            steps = new VerificationWindow(previous: 0, future: (int)(current + window));
        }
        else
        {
            return false;
        }

        var key = secret.ToArray();
        try
        {
            var otp = new OtpNet.Totp(key, periodSeconds, Hotp.ToHashMode(algorithm), digits);
            if (otp.VerifyTotp(at, new string(typed[..digits]), out var step, steps))
            {
                matchedTimeStep = step;
                return true;
            }

            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>
    /// Trims surrounding white space, drops inner ASCII spaces and copies the ASCII digits to <paramref name="destination"/>;
    /// <see langword="false"/> unless exactly <paramref name="digits"/> digits and nothing else remain.
    /// </summary>
    internal static bool TryNormalize(ReadOnlySpan<char> code, int digits, Span<char> destination)
    {
        var count = 0;
        foreach (var c in code.Trim())
        {
            if (c == ' ')
            {
                continue;
            }

            if (!char.IsAsciiDigit(c) || count == digits)
            {
                return false;
            }

            destination[count++] = c;
        }

        return count == digits;
    }

    private static void CheckArguments(ReadOnlySpan<byte> secret, int window, int digits, TotpAlgorithm algorithm, int periodSeconds)
    {
        OtpArguments.Secret(secret);
        OtpArguments.Window(window);
        OtpArguments.Digits(digits);
        OtpArguments.Algorithm(algorithm);
        OtpArguments.Period(periodSeconds);
    }
}

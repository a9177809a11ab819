using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Tests.Otp;

/// <summary>The test vectors of RFC 4226 Appendix D and RFC 6238 Appendix B, verbatim.</summary>
public static class RfcVectors
{
    /// <summary>RFC 4226 Appendix D's secret, and RFC 6238's SHA-1 seed: ASCII "12345678901234567890" (20 bytes).</summary>
    public static readonly byte[] Sha1Seed = "12345678901234567890"u8.ToArray();

    /// <summary>RFC 6238 Appendix B's SHA-256 seed (32 bytes).</summary>
    public static readonly byte[] Sha256Seed = "12345678901234567890123456789012"u8.ToArray();

    /// <summary>RFC 6238 Appendix B's SHA-512 seed (64 bytes).</summary>
    public static readonly byte[] Sha512Seed = "1234567890123456789012345678901234567890123456789012345678901234"u8.ToArray();

    /// <summary>RFC 4226 Appendix D: count, HMAC-SHA-1 in hex, truncated value in hex and decimal, 6-digit HOTP.</summary>
    public static TheoryData<long, string, string, int, string> Hotp => new()
    {
        { 0, "cc93cf18508d94934c64b65d8ba7667fb7cde4b0", "4c93cf18", 1284755224, "755224" },
        { 1, "75a48a19d4cbe100644e8ac1397eea747a2d33ab", "41397eea", 1094287082, "287082" },
        { 2, "0bacb7fa082fef30782211938bc1c5e70416ff44", "82fef30", 137359152, "359152" },
        { 3, "66c28227d03a2d5529262ff016a1e6ef76557ece", "66ef7655", 1726969429, "969429" },
        { 4, "a904c900a64b35909874b33e61c5938a8e15ed1c", "61c5938a", 1640338314, "338314" },
        { 5, "a37e783d7b7233c083d4f62926c7a25f238d0316", "33c083d4", 868254676, "254676" },
        { 6, "bc9cd28561042c83f219324d3c607256c03272ae", "7256c032", 1918287922, "287922" },
        { 7, "a4fb960c0bc06e1eabb804e5b397cdc4b45596fa", "4e5b397", 82162583, "162583" },
        { 8, "1b3c89f65e6c9e883012052823443f048b4332db", "2823443f", 673399871, "399871" },
        { 9, "1637409809a679dc698207310c8c7fc07290d9e5", "2679dc69", 645520489, "520489" },
    };

    /// <summary>RFC 6238 Appendix B: Unix time, T in hex, 8-digit TOTP, mode.</summary>
    public static TheoryData<long, string, string, TotpAlgorithm> Totp => new()
    {
        { 59, "0000000000000001", "94287082", TotpAlgorithm.Sha1 },
        { 59, "0000000000000001", "46119246", TotpAlgorithm.Sha256 },
        { 59, "0000000000000001", "90693936", TotpAlgorithm.Sha512 },
        { 1111111109, "00000000023523EC", "07081804", TotpAlgorithm.Sha1 },
        { 1111111109, "00000000023523EC", "68084774", TotpAlgorithm.Sha256 },
        { 1111111109, "00000000023523EC", "25091201", TotpAlgorithm.Sha512 },
        { 1111111111, "00000000023523ED", "14050471", TotpAlgorithm.Sha1 },
        { 1111111111, "00000000023523ED", "67062674", TotpAlgorithm.Sha256 },
        { 1111111111, "00000000023523ED", "99943326", TotpAlgorithm.Sha512 },
        { 1234567890, "000000000273EF07", "89005924", TotpAlgorithm.Sha1 },
        { 1234567890, "000000000273EF07", "91819424", TotpAlgorithm.Sha256 },
        { 1234567890, "000000000273EF07", "93441116", TotpAlgorithm.Sha512 },
        { 2000000000, "0000000003F940AA", "69279037", TotpAlgorithm.Sha1 },
        { 2000000000, "0000000003F940AA", "90698825", TotpAlgorithm.Sha256 },
        { 2000000000, "0000000003F940AA", "38618901", TotpAlgorithm.Sha512 },
        { 20000000000, "0000000027BC86AA", "65353130", TotpAlgorithm.Sha1 },
        { 20000000000, "0000000027BC86AA", "77737706", TotpAlgorithm.Sha256 },
        { 20000000000, "0000000027BC86AA", "47863826", TotpAlgorithm.Sha512 },
    };

    public static byte[] SeedFor(TotpAlgorithm algorithm) => algorithm switch
    {
        TotpAlgorithm.Sha1 => Sha1Seed,
        TotpAlgorithm.Sha256 => Sha256Seed,
        _ => Sha512Seed,
    };
}

using Foundation.Auth.Totp.Otp;

namespace Foundation.Auth.Totp.Tests.Otp;

public class TotpSecretTests
{
    [Theory]
    [InlineData(TotpAlgorithm.Sha1, 20)]
    [InlineData(TotpAlgorithm.Sha256, 32)]
    [InlineData(TotpAlgorithm.Sha512, 64)]
    public void Secrets_have_the_hash_size_and_differ(TotpAlgorithm algorithm, int length)
    {
        TotpSecret.GetLength(algorithm).ShouldBe(length);
        var a = TotpSecret.Generate(algorithm);
        var b = TotpSecret.Generate(algorithm);
        a.Length.ShouldBe(length);
        b.Length.ShouldBe(length);
        a.ShouldNotBe(b);
        a.ShouldContain(x => x != 0);
    }

    [Fact]
    public void The_default_is_sha1()
    {
        TotpSecret.Generate().Length.ShouldBe(20);
    }

    [Fact]
    public void An_undefined_algorithm_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => TotpSecret.Generate((TotpAlgorithm)7)).ParamName.ShouldBe("algorithm");
    }
}

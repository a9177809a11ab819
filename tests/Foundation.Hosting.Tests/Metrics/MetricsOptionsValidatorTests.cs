using System.Net;
using Foundation.Hosting.Metrics;
using Foundation.Hosting.Metrics.Internal;

namespace Foundation.Hosting.Tests.Metrics;

public sealed class MetricsOptionsValidatorTests
{
    private readonly MetricsOptionsValidator _validator = new("Foundation:Hosting:Metrics");

    [Fact]
    public void Defaults_are_valid() => _validator.Validate(null, new MetricsOptions()).Succeeded.ShouldBeTrue();

    [Fact]
    public void A_bad_allowed_ip_is_named_by_its_key()
    {
        var options = new MetricsOptions { AllowedIPs = ["10.0.0.0/8", "abc", "12"] };

        var result = _validator.Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldBe(
        [
            "Foundation:Hosting:Metrics:AllowedIPs:1 is 'abc', not an IP address or CIDR range (for example 10.0.0.0/8 or ::1)",
            "Foundation:Hosting:Metrics:AllowedIPs:2 is '12', not an IP address or CIDR range (for example 10.0.0.0/8 or ::1)",
        ]);
    }

    [Theory]
    [InlineData("metrics")]
    [InlineData("")]
    public void Path_must_start_with_a_slash(string path) =>
        _validator.Validate(null, new MetricsOptions { Path = path }).FailureMessage
            .ShouldStartWith($"Foundation:Hosting:Metrics:Path is '{path}'; it must start with '/'");

    [Theory]
    [InlineData("/metrics/{id}")]
    [InlineData("/metrics/{")]
    public void Path_must_be_a_plain_route(string path) =>
        _validator.Validate(null, new MetricsOptions { Path = path }).FailureMessage
            .ShouldStartWith($"Foundation:Hosting:Metrics:Path is '{path}', not a plain route path");

    [Fact]
    public void A_short_api_key_is_refused() =>
        _validator.Validate(null, new MetricsOptions { ApiKey = "short" }).FailureMessage.ShouldStartWith("Foundation:Hosting:Metrics:ApiKey is too short");

    [Theory]
    [InlineData("My*Meter")]
    [InlineData(" ")]
    public void A_bad_meter_pattern_is_named_by_its_key(string pattern) =>
        _validator.Validate(null, new MetricsOptions { Meters = ["Ok.*", pattern] }).FailureMessage
            .ShouldStartWith("Foundation:Hosting:Metrics:Meters:1 is");

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3", true)]
    [InlineData("10.1.2.3", "10.1.2.4", false)]
    [InlineData("10.0.0.0/8", "10.200.3.4", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.9.9.9", true)]
    [InlineData("::ffff:10.0.0.0/104", "10.9.9.9", true)]
    [InlineData("::ffff:10.1.2.3", "10.1.2.3", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("fd00::/8", "fd12:3456::1", true)]
    [InlineData("fd00::/8", "fe80::1", false)]
    public void Allowed_ip_entries_match_addresses(string entry, string address, bool expected) =>
        new IpAccessList([entry]).Contains(IPAddress.Parse(address)).ShouldBe(expected);

    [Fact]
    public void An_unknown_client_address_is_not_allowed() => new IpAccessList(["0.0.0.0/0"]).Contains(null).ShouldBeFalse();
}

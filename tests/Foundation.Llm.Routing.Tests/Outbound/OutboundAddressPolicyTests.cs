using System.Net;
using System.Net.Sockets;
using System.Text;
using Foundation.Llm.Routing.Outbound;
using Foundation.Llm.Routing.Storage;

namespace Foundation.Llm.Routing.Tests.Outbound;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("0.0.0.0", "this network")]
    [InlineData("0.255.1.2", "this network")]
    [InlineData("10.0.0.1", "private (10.0.0.0/8)")]
    [InlineData("10.255.255.255", "private (10.0.0.0/8)")]
    [InlineData("100.64.0.1", "CGNAT")]
    [InlineData("100.127.255.254", "CGNAT")]
    [InlineData("127.0.0.1", "loopback (127.0.0.0/8)")]
    [InlineData("127.255.0.9", "loopback (127.0.0.0/8)")]
    [InlineData("169.254.169.254", "link-local (169.254.0.0/16)")]
    [InlineData("172.16.0.1", "private (172.16.0.0/12)")]
    [InlineData("172.31.255.255", "private (172.16.0.0/12)")]
    [InlineData("192.0.0.8", "IETF protocol assignments")]
    [InlineData("192.0.2.10", "documentation (192.0.2.0/24)")]
    [InlineData("192.88.99.1", "6to4 relay anycast")]
    [InlineData("192.168.1.1", "private (192.168.0.0/16)")]
    [InlineData("198.18.0.1", "benchmarking (198.18.0.0/15)")]
    [InlineData("198.19.255.255", "benchmarking (198.18.0.0/15)")]
    [InlineData("198.51.100.7", "documentation (198.51.100.0/24)")]
    [InlineData("203.0.113.9", "documentation (203.0.113.0/24)")]
    [InlineData("224.0.0.1", "multicast (224.0.0.0/4)")]
    [InlineData("239.255.255.250", "multicast (224.0.0.0/4)")]
    [InlineData("240.0.0.1", "reserved (240.0.0.0/4)")]
    [InlineData("255.255.255.254", "reserved (240.0.0.0/4)")]
    [InlineData("255.255.255.255", "broadcast (255.255.255.255)")]
    [InlineData("::", "unspecified (::)")]
    [InlineData("::1", "loopback (::1)")]
    [InlineData("::7f00:1", "IPv4-compatible")]
    [InlineData("::8.8.8.8", "IPv4-compatible")]
    [InlineData("fc00::1", "unique local (fc00::/7)")]
    [InlineData("fd12:3456::1", "unique local (fc00::/7)")]
    [InlineData("fe80::1", "link-local (fe80::/10)")]
    [InlineData("fe80::1%4", "link-local (fe80::/10)")]
    [InlineData("febf::1", "link-local (fe80::/10)")]
    [InlineData("fec0::1", "site-local")]
    [InlineData("ff02::1", "multicast (ff00::/8)")]
    [InlineData("2001:db8::1", "documentation (2001:db8::/32)")]
    [InlineData("2001:0:4136:e378::1", "Teredo (2001::/32)")]
    [InlineData("100::1", "discard-only (100::/64)")]
    [InlineData("64:ff9b:1::a00:1", "local-use NAT64 (64:ff9b:1::/48)")]
    public void Every_refused_range_names_its_rule(string address, string rule)
    {
        var refusal = OutboundAddressPolicy.GetRefusalRule(IPAddress.Parse(address));
        refusal.ShouldNotBeNull();
        refusal.ShouldContain(rule);
    }

    [Theory]
    [InlineData("::ffff:127.0.0.1", "IPv4-mapped (::ffff:0:0/96) of 127.0.0.1, loopback (127.0.0.0/8)")]
    [InlineData("::ffff:10.1.2.3", "IPv4-mapped (::ffff:0:0/96) of 10.1.2.3, private (10.0.0.0/8)")]
    [InlineData("::ffff:169.254.169.254", "IPv4-mapped (::ffff:0:0/96) of 169.254.169.254, link-local (169.254.0.0/16)")]
    [InlineData("64:ff9b::7f00:1", "NAT64 (64:ff9b::/96) of 127.0.0.1, loopback (127.0.0.0/8)")]
    [InlineData("64:ff9b::c0a8:101", "NAT64 (64:ff9b::/96) of 192.168.1.1, private (192.168.0.0/16)")]
    [InlineData("64:ff9b::a9fe:a9fe", "NAT64 (64:ff9b::/96) of 169.254.169.254, link-local (169.254.0.0/16)")]
    [InlineData("2002:7f00:1::1", "6to4 (2002::/16) of 127.0.0.1, loopback (127.0.0.0/8)")]
    [InlineData("2002:a00:1::", "6to4 (2002::/16) of 10.0.0.1, private (10.0.0.0/8)")]
    [InlineData("2002:6440:1::1", "6to4 (2002::/16) of 100.64.0.1, shared address space, CGNAT (100.64.0.0/10)")]
    public void IPv4_in_IPv6_forms_are_judged_by_the_embedded_address(string address, string rule) =>
        OutboundAddressPolicy.GetRefusalRule(IPAddress.Parse(address)).ShouldBe(rule);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.0.1.1")]
    [InlineData("192.0.3.1")]
    [InlineData("192.88.98.1")]
    [InlineData("192.169.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.0")]
    [InlineData("198.51.101.1")]
    [InlineData("203.0.114.1")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("fbff::1")]
    [InlineData("101::1")]
    public void Public_addresses_are_allowed(string address) =>
        OutboundAddressPolicy.GetRefusalRule(IPAddress.Parse(address)).ShouldBeNull();

    [Theory]
    [InlineData("llm.internal", true)]
    [InlineData("LLM.Internal", true)]
    [InlineData("llm.internal.", true)]
    [InlineData("other.internal", false)]
    [InlineData("a.models.example", true)]
    [InlineData("deep.a.models.example", true)]
    [InlineData("models.example", false)]
    [InlineData("evilmodels.example", false)]
    [InlineData("10.0.0.7", true)]
    [InlineData("::1", true)]
    [InlineData("[::1]", true)]
    [InlineData("10.0.0.8", false)]
    public void The_allow_list_matches_exact_hosts_and_subdomain_wildcards(string host, bool allowed)
    {
        var policy = new OutboundAddressPolicy(["llm.internal", "*.models.example", "10.0.0.7", "[::1]", " "]);
        policy.IsAllowedHost(host).ShouldBe(allowed);
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_loopback_is_refused_at_connect_and_never_reached()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var client = new HttpClient(new OutboundAddressPolicy().CreateHandler());

        foreach (var url in new[] { $"http://localhost:{port}/v1/models", $"http://127.0.0.1:{port}/v1/models", $"http://[::ffff:127.0.0.1]:{port}/v1/models" })
        {
            var error = await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync(url));
            var refused = error.InnerException.ShouldBeOfType<OutboundAddressRefusedException>();
            refused.Rule.ShouldContain("loopback (127.0.0.0/8)");
            refused.Address!.ToString().ShouldEndWith("127.0.0.1");
        }

        listener.Pending().ShouldBeFalse("no connection reached the listener");
    }

    [Fact]
    public async Task An_allowed_host_is_connected_to_without_the_check()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var served = Task.Run(async () =>
        {
            using var socket = await listener.AcceptSocketAsync();
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer);
            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
        });
        using var client = new HttpClient(new OutboundAddressPolicy(["localhost"]).CreateHandler());

        (await client.GetStringAsync($"http://localhost:{port}/v1/models")).ShouldBe("ok");
        await served;
    }

    [Fact]
    public async Task Every_resolved_address_is_checked_and_only_checked_addresses_are_connected()
    {
        var lookups = new List<string>();
        Task<IPAddress[]> Resolve(string host, CancellationToken _)
        {
            lookups.Add(host);
            return Task.FromResult(host == "mixed.example" ? [IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.1")] : Array.Empty<IPAddress>());
        }

        using var client = new HttpClient(new OutboundAddressPolicy(null, false, Resolve).CreateHandler());
        var error = await Should.ThrowAsync<HttpRequestException>(() => client.GetAsync("http://mixed.example/v1/models"));
        var refused = error.InnerException.ShouldBeOfType<OutboundAddressRefusedException>();
        refused.Host.ShouldBe("mixed.example");
        refused.Address.ShouldBe(IPAddress.Parse("10.0.0.1"));
        refused.Rule.ShouldBe("private (10.0.0.0/8)");
        refused.Message.ShouldContain("The host 'mixed.example' resolves to 10.0.0.1");
        refused.Message.ShouldContain("Foundation:Llm:ProviderKeys:AllowedHosts");
        lookups.ShouldBe(["mixed.example"], "one lookup, no second one at connect");
    }

    [Theory]
    [InlineData("llm.internal", true)]
    [InlineData("*.models.internal", true)]
    [InlineData("10.0.0.7", true)]
    [InlineData("fd00::2", true)]
    [InlineData("", false)]
    [InlineData("http://llm.internal", false)]
    [InlineData("llm.internal:8080", false)]
    [InlineData("llm.internal/v1", false)]
    [InlineData("*.", false)]
    public void The_allow_list_is_validated_at_start_naming_the_entry(string entry, bool valid)
    {
        var options = new ProviderKeyOptions { AllowedHosts = ["ok.example", entry] };
        var result = new ProviderKeyOptionsValidator().Validate(null, options);
        result.Failed.ShouldBe(!valid);
        if (!valid)
        {
            result.FailureMessage!.ShouldContain("Foundation:Llm:ProviderKeys:AllowedHosts:1");
        }
    }
}

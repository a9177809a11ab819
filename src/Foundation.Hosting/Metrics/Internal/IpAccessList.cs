using System.Net;

namespace Foundation.Hosting.Metrics.Internal;

/// <summary>A parsed list of IP addresses and CIDR ranges.</summary>
internal sealed class IpAccessList
{
    private readonly IPNetwork[] _networks;

    public IpAccessList(IEnumerable<string> entries)
    {
        _networks = [.. entries.Select(e => TryParseEntry(e, out var network)
            ? network
            : throw new FormatException($"'{e}' is not an IP address or CIDR range"))];
    }

    /// <summary>Whether no entries were configured (everyone is allowed).</summary>
    public bool IsEmpty => _networks.Length == 0;

    /// <summary>Parses <c>10.1.2.3</c>, <c>10.0.0.0/8</c>, <c>::1</c>, <c>fd00::/8</c>; IPv4-mapped IPv6 addresses become IPv4.</summary>
    public static bool TryParseEntry(string? entry, out IPNetwork network)
    {
        network = default;
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text) || (!text.Contains('.', StringComparison.Ordinal) && !text.Contains(':', StringComparison.Ordinal)))
        {
            return false; // IPAddress.TryParse accepts legacy forms such as "1" (0.0.0.1); require a dotted or IPv6 form
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            if (!IPAddress.TryParse(text, out var address))
            {
                return false;
            }

            address = Normalise(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        if (!IPNetwork.TryParse(text, out network))
        {
            return false;
        }

        if (network.BaseAddress.IsIPv4MappedToIPv6 && network.PrefixLength >= 96)
        {
            network = new IPNetwork(network.BaseAddress.MapToIPv4(), network.PrefixLength - 96);
        }

        return true;
    }

    /// <summary>Whether <paramref name="address"/> is in one of the ranges; <see langword="null"/> never is.</summary>
    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        var normalised = Normalise(address);
        foreach (var network in _networks)
        {
            if (network.Contains(normalised))
            {
                return true;
            }
        }

        return false;
    }

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Foundation.Llm.Routing.Outbound;

/// <summary>
/// The one guard of every outbound HTTP call the suite makes to a URL a caller supplied (a stored provider key's base URL,
/// the live check of a key, a future webhook): <see cref="ConnectAsync"/> is a <see cref="SocketsHttpHandler.ConnectCallback"/>
/// that resolves the host itself, refuses it when any of its addresses is in a range of <see cref="GetRefusalRule"/>
/// (loopback, private, link-local, CGNAT, benchmarking, documentation, reserved, multicast, broadcast, and every IPv4-in-IPv6
/// form whose embedded IPv4 address is one of them), and connects a socket to the very addresses it checked (no second
/// lookup, so a DNS answer that changes between check and connect cannot slip through). Hosts an operator lists
/// (<see cref="AllowedHostsKey"/>) are connected without the check. Operator-configured providers do not use this guard.
/// </summary>
public sealed class OutboundAddressPolicy
{
    /// <summary>The <see cref="IHttpClientFactory"/> client whose primary handler is this guard, used for every caller-supplied base URL.</summary>
    public const string HttpClientName = "Foundation.Llm.CallerUrls";

    /// <summary>The configuration key of the operator's allow list.</summary>
    public const string AllowedHostsKey = "Foundation:Llm:ProviderKeys:AllowedHosts";

    private readonly string[] _exactHosts;
    private readonly string[] _suffixes;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>> _resolve;

    /// <summary>Creates the guard.</summary>
    /// <param name="allowedHosts">
    /// Host names or address literals connected without the check (case-insensitive, exact); <c>*.example.com</c> allows every
    /// subdomain of example.com (not example.com itself).
    /// </param>
    /// <param name="allowAnyAddress">Turns the check off entirely (<c>Foundation:Llm:ProviderKeys:AllowPrivateNetworkBaseUrls</c>).</param>
    public OutboundAddressPolicy(IEnumerable<string>? allowedHosts = null, bool allowAnyAddress = false)
        : this(allowedHosts, allowAnyAddress, static (host, ct) => Dns.GetHostAddressesAsync(host, ct))
    {
    }

    internal OutboundAddressPolicy(IEnumerable<string>? allowedHosts, bool allowAnyAddress, Func<string, CancellationToken, Task<IPAddress[]>> resolve)
    {
        var exact = new List<string>();
        var suffixes = new List<string>();
        foreach (var entry in allowedHosts ?? [])
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                continue;
            }

            var host = NormalizeHost(entry.Trim());
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                suffixes.Add(host[1..]);
            }
            else
            {
                exact.Add(host);
            }
        }

        _exactHosts = [.. exact];
        _suffixes = [.. suffixes];
        AllowAnyAddress = allowAnyAddress;
        _resolve = resolve;
    }

    /// <summary>Whether the check is off (every address is connected).</summary>
    public bool AllowAnyAddress { get; }

    /// <summary>Whether the operator allows <paramref name="host"/> (a URL's host: a name or an address literal) without the check.</summary>
    public bool IsAllowedHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (AllowAnyAddress)
        {
            return true;
        }

        var normalized = NormalizeHost(host);
        foreach (var exact in _exactHosts)
        {
            if (string.Equals(exact, normalized, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        foreach (var suffix in _suffixes)
        {
            if (normalized.Length > suffix.Length && normalized.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Refuses <paramref name="uri"/> at once when its host is an address literal in a refused range or a name of the loopback
    /// zone (<c>localhost</c>, <c>*.localhost</c>), unless allowed. Names are not resolved here: the connect-time check of
    /// <see cref="ConnectAsync"/> is the guarantee; this only answers early what needs no lookup.
    /// </summary>
    /// <exception cref="OutboundAddressRefusedException">The host is refused.</exception>
    public void ThrowIfRefusedLiteral(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var host = NormalizeHost(uri.IdnHost);
        if (IsAllowedHost(host))
        {
            return;
        }

        if (IPAddress.TryParse(host, out var literal))
        {
            if (GetRefusalRule(literal) is { } rule)
            {
                throw new OutboundAddressRefusedException(host, literal, rule);
            }

            return;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw new OutboundAddressRefusedException(host, IPAddress.Loopback, "loopback (the localhost zone)");
        }
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host (or takes its literal), refuses it when any
    /// address is refused (unless the host is allowed), and connects to the checked addresses in order.
    /// </summary>
    /// <exception cref="OutboundAddressRefusedException">The host is or resolves to a refused address (HttpClient wraps it in an <see cref="HttpRequestException"/>).</exception>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.DnsEndPoint;
        var host = NormalizeHost(endpoint.Host);
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await _resolve(endpoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        if (!IsAllowedHost(host))
        {
            foreach (var address in addresses)
            {
                if (GetRefusalRule(address) is { } rule)
                {
                    throw new OutboundAddressRefusedException(host, address, rule);
                }
            }
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A handler that connects only through <see cref="ConnectAsync"/>: no proxy (a proxy would make the connection the check
    /// cannot see), no automatic redirects, connections recycled after five minutes.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = ConnectAsync,
    };

    /// <summary>
    /// Why this server does not connect to <paramref name="address"/> for a caller, or <see langword="null"/> when it may.
    /// IPv4: 0.0.0.0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24, 192.168/16,
    /// 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4, 255.255.255.255. IPv6: ::, ::1, ::/96 (IPv4-compatible), fc00::/7,
    /// fe80::/10, fec0::/10, ff00::/8, 2001:db8::/32, 100::/64, 2001::/32 (Teredo), 64:ff9b:1::/48; and the embedded IPv4 address
    /// of ::ffff:0:0/96 (IPv4-mapped), 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) is checked against the IPv4 ranges.
    /// </summary>
    public static string? GetRefusalRule(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return RuleV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var high = BinaryPrimitives.ReadUInt64BigEndian(b);
        var low = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);

        if (high == 0 && low == 0)
        {
            return "unspecified (::)";
        }

        if (high == 0 && low == 1)
        {
            return "loopback (::1)";
        }

        if (high == 0 && (low >> 32) == 0xFFFF)
        {
            return Embedded("IPv4-mapped (::ffff:0:0/96)", b[12..]);
        }

        if (high == 0 && (low >> 32) == 0)
        {
            return "IPv4-compatible, deprecated (::/96)";
        }

        if (high == 0x0064_FF9B_0000_0000UL && (low >> 32) == 0)
        {
            return Embedded("NAT64 (64:ff9b::/96)", b[12..]);
        }

        if ((high >> 16) == 0x0064_FF9B_0001UL)
        {
            return "local-use NAT64 (64:ff9b:1::/48)";
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return Embedded("6to4 (2002::/16)", b[2..6]);
        }

        if ((b[0] & 0xFE) == 0xFC)
        {
            return "unique local (fc00::/7)";
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)
        {
            return "link-local (fe80::/10)";
        }

        if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)
        {
            return "site-local, deprecated (fec0::/10)";
        }

        if (b[0] == 0xFF)
        {
            return "multicast (ff00::/8)";
        }

        if ((high >> 32) == 0x2001_0DB8UL)
        {
            return "documentation (2001:db8::/32)";
        }

        if ((high >> 32) == 0x2001_0000UL)
        {
            return "Teredo (2001::/32)";
        }

        if (high == 0x0100_0000_0000_0000UL)
        {
            return "discard-only (100::/64)";
        }

        return null;

        static string? Embedded(string form, ReadOnlySpan<byte> v4) =>
            RuleV4(v4) is { } rule ? $"{form} of {new IPAddress(v4)}, {rule}" : null;
    }

    private static string? RuleV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => "this network (0.0.0.0/8)",
        10 => "private (10.0.0.0/8)",
        100 when (b[1] & 0xC0) == 64 => "shared address space, CGNAT (100.64.0.0/10)",
        127 => "loopback (127.0.0.0/8)",
        169 when b[1] == 254 => "link-local (169.254.0.0/16)",
        172 when (b[1] & 0xF0) == 16 => "private (172.16.0.0/12)",
        192 when b[1] == 0 && b[2] == 0 => "IETF protocol assignments (192.0.0.0/24)",
        192 when b[1] == 0 && b[2] == 2 => "documentation (192.0.2.0/24)",
        192 when b[1] == 88 && b[2] == 99 => "6to4 relay anycast (192.88.99.0/24)",
        192 when b[1] == 168 => "private (192.168.0.0/16)",
        198 when (b[1] & 0xFE) == 18 => "benchmarking (198.18.0.0/15)",
        198 when b[1] == 51 && b[2] == 100 => "documentation (198.51.100.0/24)",
        203 when b[1] == 0 && b[2] == 113 => "documentation (203.0.113.0/24)",
        >= 224 and <= 239 => "multicast (224.0.0.0/4)",
        255 when b[1] == 255 && b[2] == 255 && b[3] == 255 => "broadcast (255.255.255.255)",
        >= 240 => "reserved (240.0.0.0/4)",
        _ => null,
    };

    /// <summary>A host as compared: without IPv6 brackets and without a trailing dot (<c>localhost.</c> is <c>localhost</c>).</summary>
    internal static string NormalizeHost(string host)
    {
        var h = host.Trim();
        if (h.Length > 1 && h[0] == '[' && h[^1] == ']')
        {
            h = h[1..^1];
        }

        return h.Length > 1 && h[^1] == '.' ? h[..^1] : h;
    }
}

using System.Net;

namespace Foundation.Llm.Routing.Outbound;

/// <summary>
/// A call to a caller-supplied URL was refused before any connection was made: its host is, or resolves to, an address in a
/// range this server does not connect to on a caller's behalf (loopback, private, link-local, ...). It is the request's
/// fault, not the provider's: the router neither retries it nor falls back, and Foundation.Hosting answers HTTP 422 naming
/// <see cref="Rule"/>.
/// </summary>
public sealed class OutboundAddressRefusedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public OutboundAddressRefusedException()
        : this("The outbound address is refused.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused.</param>
    public OutboundAddressRefusedException(string message)
        : base(message)
    {
        Host = string.Empty;
        Rule = string.Empty;
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public OutboundAddressRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Host = string.Empty;
        Rule = string.Empty;
    }

    /// <summary>Creates the exception for <paramref name="host"/>, which is or resolves to <paramref name="address"/>, refused by <paramref name="rule"/>.</summary>
    /// <param name="host">The host of the URL (a name or an address literal).</param>
    /// <param name="address">The refused address.</param>
    /// <param name="rule">The range that refused it (<c>loopback (127.0.0.0/8)</c>).</param>
    public OutboundAddressRefusedException(string host, IPAddress address, string rule)
        : base(Describe(host, address, rule))
    {
        ArgumentNullException.ThrowIfNull(address);
        Host = host;
        Address = address;
        Rule = rule;
    }

    /// <summary>The host of the refused URL.</summary>
    public string Host { get; }

    /// <summary>The address the host is or resolved to that was refused.</summary>
    public IPAddress? Address { get; }

    /// <summary>The rule that refused it, such as <c>loopback (127.0.0.0/8)</c> or <c>private (10.0.0.0/8)</c>.</summary>
    public string Rule { get; }

    private static string Describe(string host, IPAddress address, string rule)
    {
        var what = IPAddress.TryParse(host.Trim('[', ']'), out _) ? $"The address {host}" : $"The host '{host}' resolves to {address}, which";
        return $"{what} is in a range this server does not connect to for a caller-supplied URL: {rule}. "
            + $"An operator can allow the host with {OutboundAddressPolicy.AllowedHostsKey}.";
    }
}

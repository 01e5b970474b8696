using System.Net;
using System.Net.Sockets;

namespace Lookalike.Feeds.Http;

/// <summary>
/// Which addresses a feed may make us connect to. Never: unspecified (0.0.0.0/8, ::, which reach this machine),
/// multicast and reserved; unless allowed: link-local (169.254.0.0/16, fe80::/10) and the cloud metadata addresses
/// (169.254.169.254, fd00:ec2::254, 100.100.100.200). Loopback and private networks are allowed: image servers on the
/// shop's own network are the common case.
/// </summary>
internal static class AddressPolicy
{
    private static readonly IPAddress AwsMetadataV6 = IPAddress.Parse("fd00:ec2::254");
    private static readonly IPAddress AlibabaMetadata = IPAddress.Parse("100.100.100.200");

    /// <summary>Why <paramref name="address"/> is refused, or null when it may be connected to.</summary>
    public static string? Refusal(IPAddress address, bool allowLinkLocal)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            if (b[0] == 0) return "an unspecified address (0.0.0.0/8)";
            if (b[0] >= 224) return "a multicast or reserved address";
            if (b[0] == 169 && b[1] == 254)
                return allowLinkLocal ? null : b[2] == 169 && b[3] == 254 ? "the cloud metadata address" : "a link-local address (169.254.0.0/16)";
            if (address.Equals(AlibabaMetadata)) return allowLinkLocal ? null : "the cloud metadata address";
            return null;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (address.Equals(IPAddress.IPv6Any)) return "an unspecified address (::)";
            if (address.IsIPv6Multicast) return "a multicast address";
            if (address.IsIPv6LinkLocal) return allowLinkLocal ? null : "a link-local address (fe80::/10)";
            if (address.Equals(AwsMetadataV6)) return allowLinkLocal ? null : "the cloud metadata address";
            return null;
        }
        return "not an IP address";
    }
}

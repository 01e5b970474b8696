using System.Net;
using System.Net.Sockets;

namespace Lookalike.Feeds.Http;

/// <summary>
/// The socket handler's connect step: resolves the host itself and connects only to addresses
/// <see cref="AddressPolicy"/> allows. Checking here, at connect time, and not on the URL covers every redirect and
/// a DNS answer that changes between a check and the connection (rebinding).
/// </summary>
internal sealed class GuardedConnector(bool allowLinkLocal)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        string host = context.DnsEndPoint.Host;
        IPAddress[] addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        IPAddress[] allowed = addresses.Where(a => AddressPolicy.Refusal(a, allowLinkLocal) is null).ToArray();
        if (allowed.Length == 0)
        {
            if (addresses.Length == 0) throw new SocketException((int)SocketError.HostNotFound);
            throw new AddressRefusedException(host.Trim('[', ']'), addresses[0], AddressPolicy.Refusal(addresses[0], allowLinkLocal)!);
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

using System.Net;

namespace Lookalike.Feeds.Http;

/// <summary>A host resolved only to addresses <see cref="AddressPolicy"/> refuses. Never retried.</summary>
public sealed class AddressRefusedException : IOException
{
    public AddressRefusedException(string host, IPAddress address, string reason)
        : base(host == address.ToString() ? $"{address} is {reason}: refused" : $"{host} resolves to {address}, {reason}: refused")
    {
        Host = host;
        Address = address;
    }

    public string Host { get; }

    public IPAddress Address { get; }
}

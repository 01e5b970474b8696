using Lookalike.Cluster.Contracts;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace Lookalike.Cluster.Placement;

/// <summary>
/// Places a grain on the silo its key names (<see cref="ReplicaKey.Silo"/>): a replica's data lives on that silo's
/// disk, so it may only ever activate there. When that silo is not active the placement fails and the caller
/// turns to another replica.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SiloPinnedPlacement : PlacementStrategy
{
    public static SiloPinnedPlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacement.Instance);

internal sealed class SiloPinnedPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var key = ReplicaKey.Parse(target.GrainIdentity.Key.ToString()!);
        var compatible = context.GetCompatibleSilos(target);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Name == key.Silo && member.Status == SiloStatus.Active && compatible.Contains(member.SiloAddress))
                return Task.FromResult(member.SiloAddress);
        }
        throw new SiloUnavailableException($"Silo '{key.Silo}', which holds replica {key}, is not an active member of the cluster.");
    }
}

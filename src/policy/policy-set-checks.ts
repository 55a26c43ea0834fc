// Rules that span policies (within a file and across the directory): unique names, and snapshot
// prefixes that cannot claim each other's snapshots.
import { overlapsReservedNamespace, RESERVED_SNAPSHOT_NAMESPACE } from './document-kinds.ts';
import type { Policy, VolumeSelector } from './policy.ts';
import { PolicyError } from './policy-error.ts';
import type { YamlPosition } from './yaml-locations.ts';

/** A valid policy plus the positions the cross-policy checks point at. */
export interface LocatedPolicy {
  policy: Policy;
  namePosition: YamlPosition;
  /** `spec.snapshot.prefix`, or the name when the prefix is the default one. */
  prefixPosition: YamlPosition;
}

export function checkPolicySet(policies: readonly LocatedPolicy[]): PolicyError[] {
  return [...duplicateNameErrors(policies), ...overlappingPrefixErrors(policies), ...reservedPrefixErrors(policies)];
}

// Failover runs' safety snapshots live under a reserved prefix that no policy may prune.
function reservedPrefixErrors(policies: readonly LocatedPolicy[]): PolicyError[] {
  return policies
    .filter((located) => located.policy.snapshot && overlapsReservedNamespace(located.policy.snapshot.prefix))
    .map(
      (located) =>
        new PolicyError({
          file: located.policy.source.file,
          ...located.prefixPosition,
          path: 'spec.snapshot.prefix',
          message: `snapshot prefix "${located.policy.snapshot!.prefix}" overlaps "${RESERVED_SNAPSHOT_NAMESPACE}", reserved for failover runs' safety snapshots — choose another prefix (or policy name)`,
        }),
    );
}

const where = (file: string, { line, col }: YamlPosition) => `${file}:${line}:${col}`;

function duplicateNameErrors(policies: readonly LocatedPolicy[]): PolicyError[] {
  const firstByName = new Map<string, LocatedPolicy>();
  const errors: PolicyError[] = [];
  for (const located of policies) {
    const first = firstByName.get(located.policy.name);
    if (!first) {
      firstByName.set(located.policy.name, located);
      continue;
    }
    errors.push(
      new PolicyError({
        file: located.policy.source.file,
        ...located.namePosition,
        path: 'metadata.name',
        message: `policy name "${located.policy.name}" is already used at ${where(first.policy.source.file, first.namePosition)}`,
      }),
    );
  }
  return errors;
}

// Pruning only touches snapshots whose name starts with the policy's prefix. If one prefix starts
// with another ("nasorch-prod-" and "nasorch-prod-daily-"), the shorter one's pruning would count
// and delete the other policy's snapshots on a volume both select.
function overlappingPrefixErrors(policies: readonly LocatedPolicy[]): PolicyError[] {
  const withSnapshots = policies.filter((located) => located.policy.snapshot);
  const errors: PolicyError[] = [];
  withSnapshots.forEach((later, index) => {
    for (const earlier of withSnapshots.slice(0, index)) {
      if (earlier.policy.name === later.policy.name) continue; // reported as a duplicate name
      if (earlier.policy.region !== later.policy.region) continue; // volumes live in one region
      if (!selectorsMayOverlap(earlier.policy.volumes, later.policy.volumes)) continue;
      const a = later.policy.snapshot!.prefix;
      const b = earlier.policy.snapshot!.prefix;
      if (!a.startsWith(b) && !b.startsWith(a)) continue;
      const relation = a === b ? 'is the same as' : 'overlaps';
      errors.push(
        new PolicyError({
          file: later.policy.source.file,
          ...later.prefixPosition,
          path: 'spec.snapshot.prefix',
          message:
            `snapshot prefix "${a}" ${relation} the prefix "${b}" of policy "${earlier.policy.name}" ` +
            `(${where(earlier.policy.source.file, earlier.prefixPosition)}); on a volume both select, pruning one would delete ` +
            `the other's snapshots — set spec.snapshot.prefix so that neither prefix starts with the other`,
        }),
      );
    }
  });
  return errors;
}

/**
 * False only when the selectors provably pick different volumes: both list exact names only, or
 * ids only, with none in common. Substring matches (and names vs ids) cannot be compared offline.
 */
export function selectorsMayOverlap(a: VolumeSelector, b: VolumeSelector): boolean {
  if (a.nameContains.length > 0 || b.nameContains.length > 0) return true;
  const onlyNames = (s: VolumeSelector) => s.ids.length === 0;
  const onlyIds = (s: VolumeSelector) => s.names.length === 0;
  if (onlyNames(a) && onlyNames(b)) return a.names.some((name) => b.names.includes(name));
  if (onlyIds(a) && onlyIds(b)) return a.ids.some((id) => b.ids.includes(id));
  return true;
}

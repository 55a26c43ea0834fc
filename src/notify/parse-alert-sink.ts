// AlertSink documents in the policy directory: parsed like policies (file:line errors), plus the
// checks across documents (unique sink names; `match.policies` naming policies that exist).
import type { KindInput, ParsedDocuments } from '../policy/parse-policy-text.ts';
import { PolicyError } from '../policy/policy-error.ts';
import type { LocatedPolicy } from '../policy/policy-set-checks.ts';
import { issuesToPolicyErrors } from '../policy/schema-issues.ts';
import { lookupYamlPath, positionOf, type YamlPosition } from '../policy/yaml-locations.ts';
import { AlertSinkDocumentSchema } from './alert-sink-schema.ts';
import { normaliseAlertSink, type AlertSink } from './alert-sink.ts';

export interface LocatedSink {
  sink: AlertSink;
  namePosition: YamlPosition;
  /** Position of each `spec.match.policies` entry, in order. */
  matchPolicyPositions: YamlPosition[];
}

export function parseAlertSinkKind({ file, doc, lineCounter, data, documentIndex }: KindInput, into: ParsedDocuments): PolicyError[] {
  const result = AlertSinkDocumentSchema.safeParse(data);
  if (!result.success) return issuesToPolicyErrors(result.error.issues, { file, doc, lineCounter, data, schema: AlertSinkDocumentSchema });
  const namePosition = positionOf(lookupYamlPath(doc, ['metadata', 'name']).node, lineCounter, doc);
  const matchPolicyPositions = (result.data.spec.match?.policies ?? []).map((_, i) =>
    positionOf(lookupYamlPath(doc, ['spec', 'match', 'policies', i]).node, lineCounter, doc),
  );
  into.sinks.push({ sink: normaliseAlertSink(result.data, { file, documentIndex, ...namePosition }), namePosition, matchPolicyPositions });
  return [];
}

const where = (file: string, { line, col }: YamlPosition) => `${file}:${line}:${col}`;

/** Sink names are unique; a sink routing by policy must name policies of the set (a typo routes nothing). */
export function checkSinkSet(sinks: readonly LocatedSink[], policies: readonly LocatedPolicy[]): PolicyError[] {
  const errors: PolicyError[] = [];
  const first = new Map<string, LocatedSink>();
  const policyNames = new Set(policies.map((p) => p.policy.name));
  for (const located of sinks) {
    const { sink } = located;
    const earlier = first.get(sink.name);
    if (earlier) {
      errors.push(
        new PolicyError({
          file: sink.source.file,
          ...located.namePosition,
          path: 'metadata.name',
          message: `alert sink name "${sink.name}" is already used at ${where(earlier.sink.source.file, earlier.namePosition)}`,
        }),
      );
    } else first.set(sink.name, located);
    // Without any policy in the set (validating a sink file alone) there is nothing to compare with.
    if (policyNames.size === 0) continue;
    sink.match.policies.forEach((name, i) => {
      if (policyNames.has(name)) return;
      errors.push(
        new PolicyError({
          file: sink.source.file,
          ...located.matchPolicyPositions[i]!,
          path: `spec.match.policies[${i}]`,
          message: `no policy named "${name}" (policies: ${[...policyNames].join(', ')})`,
        }),
      );
    });
  }
  return errors;
}

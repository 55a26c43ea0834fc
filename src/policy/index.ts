// Public API of the policy domain: load and validate policy files, and the normalised types.
export type { Policy, PolicySource, VolumeSelector, RetentionRules, SnapshotRules, ReplicationRules, MirrorChoice, UsageRules } from './policy.ts';
export { PolicyError } from './policy-error.ts';
export { loadPolicyDir, loadPolicyFiles, type PolicySet, type LoadOptions } from './load-policies.ts';
export { parsePolicyText, type ParsedPolicies, type ParseOptions } from './parse-policy-text.ts';
export { POLICY_API_VERSION, POLICY_KIND, POLICY_DEFAULTS, defaultSnapshotPrefix } from './policy-schema.ts';
export { type CalendarDuration, parseDuration, formatDuration, fixedDurationMs } from './duration.ts';

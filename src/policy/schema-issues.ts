// Turns zod issues into PolicyErrors that point into the YAML file: the value for a wrong value,
// the key for an unknown key, the enclosing mapping for a missing key.
import type { z } from 'zod';
import type { Document, LineCounter } from 'yaml';
import { PolicyError } from './policy-error.ts';
import { lookupYamlPath, positionOf } from './yaml-locations.ts';

export interface IssueContext {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain data (what was validated). */
  data: unknown;
  /** The schema that produced the issues, to list the keys allowed where an unknown one was found. */
  schema: z.ZodType;
}

export function issuesToPolicyErrors(issues: readonly z.core.$ZodIssue[], context: IssueContext): PolicyError[] {
  return issues.flatMap((issue) => issueToPolicyErrors(issue, context));
}

function issueToPolicyErrors(issue: z.core.$ZodIssue, context: IssueContext): PolicyError[] {
  const { file, doc, lineCounter } = context;
  const at = (path: readonly PropertyKey[], message: string, point: 'value' | 'key' = 'value') => {
    const lookup = lookupYamlPath(doc, path);
    const node = point === 'key' ? (lookup.keyNode ?? lookup.node) : lookup.node;
    const { line, col } = positionOf(node, lineCounter, doc);
    return new PolicyError({ file, line, col, path: formatPath(path), message });
  };

  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(context.schema, issue.path);
    return issue.keys.map((key) => at([...issue.path, key], unknownKeyMessage(key, allowed), 'key'));
  }
  if (issue.code === 'invalid_type' && !hasPath(context.data, issue.path)) {
    // Points at the enclosing mapping: lookup stops at the deepest part of the path that exists.
    return [at(issue.path, 'required key is missing')];
  }
  return [at(issue.path, issue.message)];
}

/** "spec.volumes.names[0]" */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

function hasPath(data: unknown, path: readonly PropertyKey[]): boolean {
  let current = data;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return false;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current !== undefined;
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  if (allowed.length === 0) return 'unknown key';
  const suggestion = closestKey(key, allowed);
  if (suggestion) return `unknown key (did you mean "${suggestion}"?)`;
  return `unknown key (expected one of: ${allowed.join(', ')})`;
}

/** The allowed key most like `key`, when it is close enough to be a likely typo. */
export function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

// zod 4 exposes each schema's definition as `_zod.def`; only the wrapper kinds used in the policy
// schema need to be looked through to find the object at a path.
interface SchemaDef {
  type: string;
  innerType?: z.core.$ZodType;
  in?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  element?: z.core.$ZodType;
}
const defOf = (schema: z.core.$ZodType) => schema._zod.def as unknown as SchemaDef;

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function allowedKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    const def = defOf(current);
    const next: z.core.$ZodType | undefined =
      def.type === 'object' ? def.shape?.[String(segment)] : def.type === 'array' ? def.element : undefined;
    if (!next) return [];
    current = unwrap(next);
  }
  const def = defOf(current);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

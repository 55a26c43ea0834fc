// Parses the text of one policy file (one or more YAML documents separated by `---`) into
// policies, or into located errors. No I/O: the loader reads files, tests pass text.
import { LineCounter, isPair, isScalar, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { isOtherDocumentKind, OTHER_DOCUMENT_KINDS } from './document-kinds.ts';
import { normalisePolicy, type NormaliseOptions } from './normalise-policy.ts';
import type { Policy } from './policy.ts';
import { PolicyError, sortPolicyErrors } from './policy-error.ts';
import { z } from 'zod';
import { ALERT_SINK_KIND } from '../notify/alert-sink-schema.ts';
import type { AlertSink } from '../notify/alert-sink.ts';
import { checkSinkSet, parseAlertSinkKind, type LocatedSink } from '../notify/parse-alert-sink.ts';
import { describeValue, POLICY_KIND, PolicyDocumentSchema, PolicyHeaderSchema } from './policy-schema.ts';
import { checkPolicySet, type LocatedPolicy } from './policy-set-checks.ts';
import { findDuplicateKeys } from './duplicate-keys.ts';
import { issuesToPolicyErrors } from './schema-issues.ts';
import { lookupYamlPath, positionOf } from './yaml-locations.ts';

export type ParseOptions = NormaliseOptions;

export interface ParsedPolicies {
  /** Empty whenever `errors` is not: a policy set is used whole or not at all. */
  policies: Policy[];
  /** The AlertSink documents (src/notify); empty whenever `errors` is not. */
  sinks: AlertSink[];
  errors: PolicyError[];
}

/** Parses one file's text, including the checks across its documents (e.g. duplicate names). */
export function parsePolicyText(text: string, fileName: string, options: ParseOptions): ParsedPolicies {
  const parsed = parsePolicyDocuments(text, fileName, options);
  const errors = sortPolicyErrors([...parsed.errors, ...checkPolicySet(parsed.policies), ...checkSinkSet(parsed.sinks, parsed.policies)], [fileName]);
  if (errors.length > 0) return { policies: [], sinks: [], errors };
  return { policies: parsed.policies.map((located) => located.policy), sinks: parsed.sinks.map((located) => located.sink), errors };
}

/** What one file's documents parse into, by kind, before the checks across documents. */
export interface ParsedDocuments {
  policies: LocatedPolicy[];
  sinks: LocatedSink[];
  errors: PolicyError[];
  /** The file holds no document at all (empty or only comments). */
  empty: boolean;
}

/** Parses one file's text without the checks across policies (the loader runs them over all files). */
export function parsePolicyDocuments(text: string, file: string, options: ParseOptions): ParsedDocuments {
  const lineCounter = new LineCounter();
  // uniqueKeys: false: yaml's own check is quadratic in a map's size (findDuplicateKeys is linear).
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  // Empty or only comments: no document has any content (a file of other kinds is not empty).
  const parsed: ParsedDocuments = { policies: [], sinks: [], errors: [], empty: documents.every((doc) => doc.errors.length === 0 && (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null))) };
  documents.forEach((doc, documentIndex) => {
    parsed.errors.push(...parseDocument(doc, documentIndex, { file, lineCounter, options }, parsed));
  });
  return parsed;
}

interface DocumentContext {
  file: string;
  lineCounter: LineCounter;
  options: ParseOptions;
}

/** One valid-looking document of a known kind, handed to that kind's parser. */
export interface KindInput extends DocumentContext {
  doc: Document;
  documentIndex: number;
  data: unknown;
}

/**
 * The document kinds a config directory may hold: each parses its documents into `into` and
 * returns its errors. A new kind is one entry here (and one list in ParsedDocuments).
 */
const DOCUMENT_KINDS: Record<string, (input: KindInput, into: ParsedDocuments) => PolicyError[]> = {
  [POLICY_KIND]: parsePolicyKind,
  [ALERT_SINK_KIND]: parseAlertSinkKind,
};

// Kinds read by their own loader (document-kinds.ts) are valid here too, only skipped.
const KIND_NAMES = [...Object.keys(DOCUMENT_KINDS), ...OTHER_DOCUMENT_KINDS];
const KIND_LIST = `${KIND_NAMES.slice(0, -1).map((k) => `"${k}"`).join(', ')} or "${KIND_NAMES.at(-1)}"`;
const NOT_A_DOCUMENT = `expected a nasorch document (a mapping with apiVersion, kind, metadata and spec)`;
const DocumentHeaderSchema = z.looseObject(
  {
    apiVersion: PolicyHeaderSchema.shape.apiVersion,
    kind: z.enum(KIND_NAMES as [string, ...string[]], {
      error: (issue) => `expected ${KIND_LIST}${issue.input === undefined ? '' : `, got ${describeValue(issue.input)}`}`,
    }),
  },
  { error: (issue) => (issue.input === undefined ? NOT_A_DOCUMENT : `${NOT_A_DOCUMENT}, got ${describeValue(issue.input)}`) },
);

function parseDocument(doc: Document, documentIndex: number, context: DocumentContext, into: ParsedDocuments): PolicyError[] {
  const { file, lineCounter } = context;
  const errorAt = (node: Node | null, path: string, message: string) => {
    const { line, col } = positionOf(node, lineCounter, doc);
    return new PolicyError({ file, line, col, path, message });
  };

  // YAML syntax errors: the content is unreliable, so schema errors would only add noise.
  if (doc.errors.length > 0) return yamlSyntaxErrors(doc, file, lineCounter);
  // A second value must not silently win; like a syntax error, it makes the content unreliable.
  const duplicates = findDuplicateKeys(doc);
  if (duplicates.length > 0) {
    return duplicates.map(({ key, first, name }) => {
      const { line, col } = positionOf(first, lineCounter, doc);
      return errorAt(key, '', `YAML syntax error: duplicate key "${name}" (first at line ${line}, column ${col}): map keys must be unique`);
    });
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const aliases = unresolvedAliases(doc);
    if (aliases.length > 0) return aliases.map(({ node, path }) => errorAt(node, path, unresolvedAliasMessage(node)));
    return [errorAt(doc.contents, '', `YAML error: ${err instanceof Error ? err.message : String(err)}`)];
  }
  if (data === null || data === undefined) return []; // an empty document, e.g. after a trailing ---

  if (isOtherDocumentKind(data)) return []; // read by its own loader (document-kinds.ts)

  // A document that is not a nasorch document gets one clear error, not a list of its unknown keys.
  const header = DocumentHeaderSchema.safeParse(data);
  if (!header.success) {
    const errors = issuesToPolicyErrors(header.error.issues, { file, doc, lineCounter, data, schema: PolicyDocumentSchema });
    return errors.map((error) =>
      error.path === 'apiVersion' || error.path === 'kind'
        ? new PolicyError({ ...error, message: `${error.message} (policy files may only hold nasorch documents)` })
        : error,
    );
  }
  return DOCUMENT_KINDS[header.data.kind]!({ ...context, doc, documentIndex, data }, into);
}

function parsePolicyKind({ file, doc, lineCounter, data, documentIndex, options }: KindInput, into: ParsedDocuments): PolicyError[] {
  const result = PolicyDocumentSchema.safeParse(data);
  if (!result.success) return issuesToPolicyErrors(result.error.issues, { file, doc, lineCounter, data, schema: PolicyDocumentSchema });

  const name = lookupYamlPath(doc, ['metadata', 'name']);
  const namePosition = positionOf(name.node, lineCounter, doc);
  const policy = normalisePolicy(result.data, { file, documentIndex, ...namePosition }, options);
  const prefix = lookupYamlPath(doc, ['spec', 'snapshot', 'prefix']);
  into.policies.push({
    policy,
    namePosition,
    // A defaulted prefix is derived from the name, so the name is where to point.
    prefixPosition: prefix.found ? positionOf(prefix.node, lineCounter, doc) : namePosition,
  });
  return [];
}

// One error per line: later errors on a line are usually echoes of the first.
function yamlSyntaxErrors(doc: Document, file: string, lineCounter: LineCounter): PolicyError[] {
  const errors: PolicyError[] = [];
  for (const error of doc.errors) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    if (errors.some((e) => e.line === line)) continue;
    const hint = /alias/i.test(error.message) ? ` (${ALIAS_HINT})` : '';
    errors.push(new PolicyError({ file, line, col, path: '', message: `YAML syntax error: ${error.message}${hint}` }));
  }
  return errors;
}

// The usual cause of alias errors: an unquoted cron pattern such as */10 * * * *.
const ALIAS_HINT = 'a value starting with * is a YAML alias: put cron patterns in quotes, e.g. "*/10 * * * *"';

function unresolvedAliases(doc: Document): Array<{ node: Node; path: string }> {
  const found: Array<{ node: Node; path: string }> = [];
  visit(doc, {
    Alias(_key, node, ancestors) {
      if (node.resolve(doc) !== undefined) return;
      const path = ancestors
        .filter(isPair)
        .map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '?'))
        .join('.');
      found.push({ node, path });
    },
  });
  return found;
}

function unresolvedAliasMessage(node: Node): string {
  const source = 'source' in node ? String(node.source) : '';
  return `YAML alias "*${source}" refers to no anchor (${ALIAS_HINT})`;
}

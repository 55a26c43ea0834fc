// Parses the text of one policy file (one or more YAML documents separated by `---`) into
// policies, or into located errors. No I/O: the loader reads files, tests pass text.
import { LineCounter, isPair, isScalar, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import { isOtherDocumentKind } from './document-kinds.ts';
import { normalisePolicy, type NormaliseOptions } from './normalise-policy.ts';
import type { Policy } from './policy.ts';
import { PolicyError, sortPolicyErrors } from './policy-error.ts';
import { PolicyDocumentSchema, PolicyHeaderSchema } from './policy-schema.ts';
import { checkPolicySet, type LocatedPolicy } from './policy-set-checks.ts';
import { findDuplicateKeys } from './duplicate-keys.ts';
import { issuesToPolicyErrors } from './schema-issues.ts';
import { lookupYamlPath, positionOf } from './yaml-locations.ts';

export type ParseOptions = NormaliseOptions;

export interface ParsedPolicies {
  /** Empty whenever `errors` is not: a policy set is used whole or not at all. */
  policies: Policy[];
  errors: PolicyError[];
}

/** Parses one file's text, including the checks across its documents (e.g. duplicate names). */
export function parsePolicyText(text: string, fileName: string, options: ParseOptions): ParsedPolicies {
  const parsed = parsePolicyDocuments(text, fileName, options);
  const errors = sortPolicyErrors([...parsed.errors, ...checkPolicySet(parsed.policies)], [fileName]);
  return { policies: errors.length > 0 ? [] : parsed.policies.map((located) => located.policy), errors };
}

/** Parses one file's text without the checks across policies (the loader runs them over all files). */
export function parsePolicyDocuments(
  text: string,
  file: string,
  options: ParseOptions,
): { policies: LocatedPolicy[]; errors: PolicyError[]; empty: boolean } {
  const lineCounter = new LineCounter();
  // uniqueKeys: false: yaml's own check is quadratic in a map's size (findDuplicateKeys is linear).
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const policies: LocatedPolicy[] = [];
  const errors: PolicyError[] = [];
  documents.forEach((doc, documentIndex) => {
    const result = parseDocument(doc, documentIndex, { file, lineCounter, options });
    if ('errors' in result) errors.push(...result.errors);
    else if (result.policy) policies.push(result.policy);
  });
  return { policies, errors, empty: policies.length === 0 && errors.length === 0 };
}

interface DocumentContext {
  file: string;
  lineCounter: LineCounter;
  options: ParseOptions;
}

function parseDocument(
  doc: Document,
  documentIndex: number,
  { file, lineCounter, options }: DocumentContext,
): { errors: PolicyError[] } | { policy: LocatedPolicy | undefined } {
  const errorAt = (node: Node | null, path: string, message: string) => {
    const { line, col } = positionOf(node, lineCounter, doc);
    return new PolicyError({ file, line, col, path, message });
  };

  // YAML syntax errors: the content is unreliable, so schema errors would only add noise.
  if (doc.errors.length > 0) return { errors: yamlSyntaxErrors(doc, file, lineCounter) };
  // A second value must not silently win; like a syntax error, it makes the content unreliable.
  const duplicates = findDuplicateKeys(doc);
  if (duplicates.length > 0) {
    return {
      errors: duplicates.map(({ key, first, name }) => {
        const { line, col } = positionOf(first, lineCounter, doc);
        return errorAt(key, '', `YAML syntax error: duplicate key "${name}" (first at line ${line}, column ${col}): map keys must be unique`);
      }),
    };
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const aliases = unresolvedAliases(doc);
    if (aliases.length > 0) return { errors: aliases.map(({ node, path }) => errorAt(node, path, unresolvedAliasMessage(node))) };
    return { errors: [errorAt(doc.contents, '', `YAML error: ${err instanceof Error ? err.message : String(err)}`)] };
  }
  if (data === null || data === undefined) return { policy: undefined }; // an empty document, e.g. after a trailing ---

  if (isOtherDocumentKind(data)) return { policy: undefined }; // read by its own loader (document-kinds.ts)

  // A document that is not a nasorch policy gets one clear error, not a list of its unknown keys.
  const header = PolicyHeaderSchema.safeParse(data);
  const context = { file, doc, lineCounter, data, schema: PolicyDocumentSchema };
  if (!header.success) {
    const errors = issuesToPolicyErrors(header.error.issues, context);
    return {
      errors: errors.map((error) =>
        error.path === 'apiVersion' || error.path === 'kind'
          ? new PolicyError({ ...error, message: `${error.message} (policy files may only hold nasorch policies)` })
          : error,
      ),
    };
  }

  const result = PolicyDocumentSchema.safeParse(data);
  if (!result.success) return { errors: issuesToPolicyErrors(result.error.issues, context) };

  const name = lookupYamlPath(doc, ['metadata', 'name']);
  const namePosition = positionOf(name.node, lineCounter, doc);
  const policy = normalisePolicy(result.data, { file, documentIndex, ...namePosition }, options);
  const prefix = lookupYamlPath(doc, ['spec', 'snapshot', 'prefix']);
  return {
    policy: {
      policy,
      namePosition,
      // A defaulted prefix is derived from the name, so the name is where to point.
      prefixPosition: prefix.found ? positionOf(prefix.node, lineCounter, doc) : namePosition,
    },
  };
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

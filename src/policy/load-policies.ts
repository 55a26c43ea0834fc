// Reads policy files from disk: a directory's *.yaml / *.yml files (not recursive; hidden files
// skipped; symlinks followed, as in a Kubernetes ConfigMap mount) or explicitly named files.
// Every problem in every file is collected; policies come back only when there is none.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_POLICY_FILE_MAX_BYTES, POLICY_FILE_MAX_BYTES_SETTING } from './file-size-cap.ts';
import type { Policy } from './policy.ts';
import { PolicyError, sortPolicyErrors } from './policy-error.ts';
import { parsePolicyDocuments, type ParseOptions } from './parse-policy-text.ts';
import { checkPolicySet, type LocatedPolicy } from './policy-set-checks.ts';
import type { AlertSink } from '../notify/alert-sink.ts';
import { checkSinkSet, type LocatedSink } from '../notify/parse-alert-sink.ts';

export interface LoadOptions extends ParseOptions {
  /** Larger files are refused unread (parsing them could take minutes). Default 1 MiB. */
  maxFileBytes?: number;
  /** Called before each file's text is parsed (the worker reports progress with it). */
  onParse?: (file: string) => void;
}

export interface PolicySet {
  /** Every policy, in file then document order. Empty whenever `errors` is not: use the set whole or not at all. */
  policies: Policy[];
  /** The AlertSink documents of the same files; empty whenever `errors` is not. */
  sinks: AlertSink[];
  errors: PolicyError[];
  /** One-line notes that do not stop the set from being used, e.g. an empty file. */
  warnings: string[];
  /** The policy files that were read, in the order they were read. */
  files: string[];
}

const POLICY_FILE = /\.ya?ml$/i;

/** Loads every policy file of a directory (default location: ./config). */
export async function loadPolicyDir(dir: string, options: LoadOptions): Promise<PolicySet> {
  const kind = await pathKind(dir);
  if (kind !== 'directory') {
    const message = {
      missing: 'policy directory not found',
      unreadable: 'cannot access the policy directory',
      file: 'not a directory (expected a directory of policy files)',
      other: 'not a directory (expected a directory of policy files)',
    }[kind];
    return { policies: [], sinks: [], errors: [new PolicyError({ file: dir, path: '', message })], warnings: [], files: [] };
  }
  return loadPolicyFiles([dir], options);
}

/** Loads policy files given as files and/or directories (as `nasorch validate` receives them). */
export async function loadPolicyFiles(paths: readonly string[], options: LoadOptions): Promise<PolicySet> {
  const errors: PolicyError[] = [];
  const files: string[] = [];
  for (const path of paths) {
    const found = await policyFilesAt(path);
    if ('error' in found) errors.push(found.error);
    else for (const file of found.files) if (!files.includes(file)) files.push(file);
  }

  const located: LocatedPolicy[] = [];
  const warnings: string[] = [];
  const maxBytes = options.maxFileBytes ?? DEFAULT_POLICY_FILE_MAX_BYTES;
  const sinks: LocatedSink[] = [];
  for (const file of files) {
    const read = await readPolicyFile(file, maxBytes);
    if ('error' in read) {
      errors.push(new PolicyError({ file, path: '', message: read.error }));
      continue;
    }
    options.onParse?.(file);
    const parsed = parsePolicyDocuments(read.text, file, options);
    located.push(...parsed.policies);
    sinks.push(...parsed.sinks);
    errors.push(...parsed.errors);
    // Usually a file emptied by mistake (a bad template, a truncated ConfigMap): its policies are gone.
    if (parsed.empty) warnings.push(`${file}: holds no policy (empty or only comments)`);
  }
  errors.push(...checkPolicySet(located), ...checkSinkSet(sinks, located));

  const sorted = sortPolicyErrors(errors, files);
  if (sorted.length > 0) return { policies: [], sinks: [], errors: sorted, warnings, files };
  return { policies: located.map((l) => l.policy), sinks: sinks.map((l) => l.sink), errors: sorted, warnings, files };
}

/** Reads at most `maxBytes` plus one chunk, so a file that grows while it is read is still capped. */
async function readPolicyFile(file: string, maxBytes: number): Promise<{ text: string } | { error: string }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    return { error: `cannot read file: ${describeFsError(err)}` };
  }
  try {
    const { size } = await handle.stat();
    const tooLarge = (bytes: number) => ({ error: `too large (${bytes} bytes, limit ${maxBytes}; ${POLICY_FILE_MAX_BYTES_SETTING})` });
    if (size > maxBytes) return tooLarge(size);
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const { bytesRead, buffer } = await handle.read({ buffer: Buffer.alloc(64 * 1024) });
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > maxBytes) return tooLarge(Math.max(size, length));
    return { text: Buffer.concat(chunks, length).toString('utf8') };
  } catch (err) {
    return { error: `cannot read file: ${describeFsError(err)}` };
  } finally {
    await handle.close();
  }
}

export async function policyFilesAt(path: string): Promise<{ files: string[] } | { error: PolicyError }> {
  const kind = await pathKind(path);
  if (kind === 'missing') return { error: new PolicyError({ file: path, path: '', message: 'no such file or directory' }) };
  if (kind === 'file') return { files: [path] };
  if (kind === 'unreadable') return { error: new PolicyError({ file: path, path: '', message: 'cannot access (permission denied?)' }) };
  if (kind === 'other') return { error: new PolicyError({ file: path, path: '', message: 'not a file or directory' }) };
  let names: string[];
  try {
    names = await readdir(path);
  } catch (err) {
    return { error: new PolicyError({ file: path, path: '', message: `cannot read directory: ${describeFsError(err)}` }) };
  }
  const files: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || !POLICY_FILE.test(name)) continue;
    const file = join(path, name);
    if ((await pathKind(file)) === 'file') files.push(file);
  }
  return { files };
}

async function pathKind(path: string): Promise<'file' | 'directory' | 'missing' | 'unreadable' | 'other'> {
  try {
    const info = await stat(path); // follows symlinks
    return info.isFile() ? 'file' : info.isDirectory() ? 'directory' : 'other';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    return 'unreadable';
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'EACCES' ? 'permission denied' : code ?? (err instanceof Error ? err.message : String(err));
}

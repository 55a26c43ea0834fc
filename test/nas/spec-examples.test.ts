// Every JSON example of both NAS spec files must pass the client's own acceptance path
// (schema + header rules), so a schema too strict for real answers fails here first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawResponse } from '../../src/nas/http.ts';
import { NAS_OPERATIONS, type NasOperationName } from '../../src/nas/operations.ts';
import { interpretNasResponse } from '../../src/nas/response.ts';

const REFERENCE = '/work/shared/reference';

/** ```json fenced blocks (English spec). */
function fencedJsonBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```json\s*\n([\s\S]*?)\n```/g)].map((m) => m[1]!);
}

/**
 * Raw JSON blocks (Korean spec, no fences): a line starting with `{` opens a block that
 * runs until its brackets balance (brackets inside strings ignored).
 */
function rawJsonBlocks(text: string): string[] {
  const lines = text.split('\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('{')) continue;
    const block: string[] = [];
    let depth = 0;
    let j = i;
    do {
      const line = lines[j]!;
      block.push(line);
      let inString = false;
      for (let k = 0; k < line.length; k++) {
        const c = line[k];
        if (inString) {
          if (c === '\\') k++;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') depth++;
        else if (c === '}' || c === ']') depth--;
      }
      j++;
    } while (depth > 0 && j < lines.length);
    expect(depth, `unbalanced JSON block starting at line ${i + 1}`).toBe(0);
    blocks.push(block.join('\n'));
    i = j - 1;
  }
  return blocks;
}

/** Which operation's response schema covers a response with these top-level keys. */
const OPERATION_BY_KEY: Record<string, NasOperationName> = {
  volumes: 'listVolumes',
  volume: 'getVolume',
  interface: 'createInterface',
  restoreHistories: 'listRestoreHistories',
  usage: 'getUsage',
  snapshots: 'listSnapshots',
  snapshot: 'getSnapshot',
  volumeMirror: 'createMirror',
  volumeMirrorStat: 'getMirrorStat',
};
const REQUEST_KEYS = ['volume', 'interface', 'snapshot', 'volumeMirror'];

function operationFor(example: Record<string, unknown>): NasOperationName {
  const keys = Object.keys(example).filter((k) => k !== 'header' && k !== 'paging');
  if (keys.length === 0) return 'deleteVolume'; // header-only answer
  expect(keys, 'one resource key per response').toHaveLength(1);
  const op = OPERATION_BY_KEY[keys[0]!];
  expect(op, `no operation answers with "${keys[0]}"`).toBeDefined();
  return op!;
}

function asResponse(json: Record<string, unknown>): RawResponse {
  const header = json.header as { resultCode: number };
  return { status: header.resultCode, statusText: '', headers: new Headers(), json, text: JSON.stringify(json) };
}

interface Classified {
  responses: Record<string, unknown>[];
  requests: Record<string, unknown>[];
}

function classify(blocks: string[]): Classified {
  const parsed = blocks.map((b) => JSON.parse(b) as Record<string, unknown>);
  return { responses: parsed.filter((o) => 'header' in o), requests: parsed.filter((o) => !('header' in o)) };
}

const sources = [
  { name: 'en (fenced)', blocks: fencedJsonBlocks(readFileSync(`${REFERENCE}/nhn-nas-api-v1.en.md`, 'utf8')), total: 15, responses: 10 },
  { name: 'ko (raw)', blocks: rawJsonBlocks(readFileSync(`${REFERENCE}/nhn-nas-api-v1.ko.md`, 'utf8')), total: 14, responses: 9 },
];

describe.each(sources)('NAS spec examples, $name', ({ blocks, total, responses: responseCount }) => {
  const { responses, requests } = classify(blocks);

  it('finds every example (none silently skipped)', () => {
    expect(blocks).toHaveLength(total);
    expect(responses).toHaveLength(responseCount);
    expect(requests).toHaveLength(total - responseCount);
  });

  it('accepts every successful response example with the matching operation schema', () => {
    for (const example of responses.filter((r) => (r.header as { isSuccessful: boolean }).isSuccessful)) {
      const operation = operationFor(example);
      const outcome = interpretNasResponse(asResponse(example), NAS_OPERATIONS[operation].response, {
        operation,
        method: 'GET',
        pathTemplate: '/v1/example',
        path: '/v1/example',
        region: 'KR1',
      });
      expect(outcome.ok ? 'ok' : outcome.error.message, `${operation} example`).toBe('ok');
    }
  });

  it('turns the failure example into a typed error', () => {
    for (const example of responses.filter((r) => !(r.header as { isSuccessful: boolean }).isSuccessful)) {
      const outcome = interpretNasResponse(asResponse(example), NAS_OPERATIONS.listVolumes.response, {
        operation: 'listVolumes',
        method: 'GET',
        pathTemplate: '/v1/volumes',
        path: '/v1/volumes',
        region: 'KR1',
      });
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.httpStatus).toBe(401);
        expect(outcome.error.message).toBe('GET /v1/volumes (KR1) failed: 401 Authorization failed [resultCode 401]');
        expect(outcome.error.retryable).toBe(false);
      }
    }
  });

  it('has request examples only for bodies the client sends', () => {
    for (const example of requests) {
      expect(Object.keys(example)).toHaveLength(1);
      expect(REQUEST_KEYS).toContain(Object.keys(example)[0]);
    }
  });
});

it('keeps undocumented extra fields (stationId) instead of rejecting them', () => {
  const list = classify(sources[0]!.blocks).responses.find((r) => 'volumes' in r);
  const parsed = NAS_OPERATIONS.listVolumes.response.parse(list);
  expect(parsed.volumes[0]).toHaveProperty('stationId', null);
});

// Walks a `limit`/`page` listing until `paging.totalCount` is covered. Guards against
// servers that return empty pages early or never stop (each page must add items; a hard
// page cap ends anything else). Entries are checked one by one (checkItems), so one
// malformed entry is skipped and reported instead of failing its page.
import type { z } from 'zod';
import { formatIssuePath } from './response.ts';
import type { Paging } from './schemas.ts';

/** A listing entry that did not match its schema, and why. */
export interface SkippedItem {
  /** 0-based position in the whole listing, in the server's order. */
  position: number;
  /** Its `id` / `name` when they are readable non-empty strings (to name it in messages). */
  id?: string;
  name?: string;
  /** Where the first problem is inside the entry, e.g. `name` or `mirrors[0].id`. */
  field: string;
  /** What is wrong there (zod's message). */
  problem: string;
}

export interface Page<T> {
  items: T[];
  paging: Paging;
  /** Entries of this page left out by checkItems; `position` counts within the page. */
  skipped?: SkippedItem[];
}

export interface WalkPagesOptions {
  /** Page size to ask for. */
  limit: number;
  /** First page number (the API counts from 1). */
  firstPage?: number;
  /** Hard stop, whatever the server says. Default 10 000 pages. */
  maxPages?: number;
}

export const DEFAULT_PAGE_LIMIT = 50;

export class PagingError extends Error {
  override name = 'PagingError';
}

/** Validates each entry on its own; `position` of a skipped one is its index in `raw`. */
export function checkItems<S extends z.ZodType>(raw: readonly unknown[], schema: S): { items: z.output<S>[]; skipped: SkippedItem[] } {
  const items: z.output<S>[] = [];
  const skipped: SkippedItem[] = [];
  raw.forEach((entry, position) => {
    const parsed = schema.safeParse(entry);
    if (parsed.success) {
      items.push(parsed.data);
      return;
    }
    const issue = parsed.error.issues[0];
    skipped.push({
      position,
      ...readableString(entry, 'id'),
      ...readableString(entry, 'name'),
      field: issue ? formatIssuePath(issue.path) : '(root)',
      problem: issue?.message ?? 'invalid',
    });
  });
  return { items, skipped };
}

function readableString(entry: unknown, key: 'id' | 'name'): { id?: string; name?: string } {
  const value = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' && value.trim() !== '' ? { [key]: value } : {};
}

/** Each page as fetched, skipped entries rebased to their position in the whole listing. */
async function* pagesOf<T>(fetchPage: (page: number, limit: number) => Promise<Page<T>>, options: WalkPagesOptions): AsyncGenerator<Page<T>, void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  let seen = 0;
  for (let page = options.firstPage ?? 1, fetched = 0; ; page++, fetched++) {
    if (fetched >= maxPages) {
      throw new PagingError(`listing did not end after ${maxPages} pages (server keeps reporting more items)`);
    }
    const result = await fetchPage(page, options.limit);
    const skipped = result.skipped ?? [];
    const count = result.items.length + skipped.length;
    if (count === 0) return;
    yield { ...result, skipped: skipped.map((s) => ({ ...s, position: seen + s.position })) };
    seen += count;
    if (seen >= result.paging.totalCount) return;
  }
}

/** Yields each page's items, in order. */
export async function* walkPages<T>(
  fetchPage: (page: number, limit: number) => Promise<Page<T>>,
  options: WalkPagesOptions,
): AsyncGenerator<T[], void, undefined> {
  for await (const page of pagesOf(fetchPage, options)) yield page.items;
}

/** Every item of every page, and the entries skipped; items with an id already seen are dropped (lists can shift while walked). */
export async function collectPagesReporting<T>(
  fetchPage: (page: number, limit: number) => Promise<Page<T>>,
  options: WalkPagesOptions,
  idOf?: (item: T) => string,
): Promise<{ items: T[]; skipped: SkippedItem[] }> {
  const items: T[] = [];
  const skipped: SkippedItem[] = [];
  const ids = new Set<string>();
  for await (const page of pagesOf(fetchPage, options)) {
    skipped.push(...(page.skipped ?? []));
    for (const item of page.items) {
      if (idOf) {
        const id = idOf(item);
        if (ids.has(id)) continue;
        ids.add(id);
      }
      items.push(item);
    }
  }
  return { items, skipped };
}

/** Every item of every page (see collectPagesReporting). */
export async function collectPages<T>(
  fetchPage: (page: number, limit: number) => Promise<Page<T>>,
  options: WalkPagesOptions,
  idOf?: (item: T) => string,
): Promise<T[]> {
  return (await collectPagesReporting(fetchPage, options, idOf)).items;
}

// Walks a `limit`/`page` listing until `paging.totalCount` is covered. Guards against
// servers that return empty pages early or never stop (each page must add items; a hard
// page cap ends anything else).
import type { Paging } from './schemas.ts';

export interface Page<T> {
  items: T[];
  paging: Paging;
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

/** Yields each page's items, in order. */
export async function* walkPages<T>(
  fetchPage: (page: number, limit: number) => Promise<Page<T>>,
  options: WalkPagesOptions,
): AsyncGenerator<T[], void, undefined> {
  const maxPages = options.maxPages ?? 10_000;
  let seen = 0;
  for (let page = options.firstPage ?? 1, fetched = 0; ; page++, fetched++) {
    if (fetched >= maxPages) {
      throw new PagingError(`listing did not end after ${maxPages} pages (server keeps reporting more items)`);
    }
    const { items, paging } = await fetchPage(page, options.limit);
    if (items.length === 0) return;
    yield items;
    seen += items.length;
    if (seen >= paging.totalCount) return;
  }
}

/** Every item of every page; items with an id already seen are skipped (lists can shift while walked). */
export async function collectPages<T>(
  fetchPage: (page: number, limit: number) => Promise<Page<T>>,
  options: WalkPagesOptions,
  idOf?: (item: T) => string,
): Promise<T[]> {
  const all: T[] = [];
  const ids = new Set<string>();
  for await (const items of walkPages(fetchPage, options)) {
    for (const item of items) {
      if (idOf) {
        const id = idOf(item);
        if (ids.has(id)) continue;
        ids.add(id);
      }
      all.push(item);
    }
  }
  return all;
}

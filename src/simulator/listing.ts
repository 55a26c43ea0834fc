// Query-string handling shared by the paged lists: `limit`/`page` paging (default 50 per
// page) and `sort={key}:{asc|desc}` over a fixed set of keys. Unknown sort keys and
// malformed numbers are 400s naming the parameter. Pure.
import { badRequest } from './envelope.ts';

export const DEFAULT_PAGE_SIZE = 50;

export type Query = Record<string, string | string[] | undefined>;

/** The single value of a query parameter (a repeated parameter is an error). */
export function queryValue(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw badRequest(`query parameter ${name} must be given once`);
  return value;
}

export function queryInteger(query: Query, name: string, min: number): number | undefined {
  const raw = queryValue(query, name);
  if (raw === undefined) return undefined;
  if (!/^-?\d+$/.test(raw.trim()) || Number(raw) < min) {
    throw badRequest(`query parameter ${name} must be an integer of at least ${min} (got "${raw}")`);
  }
  return Number(raw);
}

export function queryBoolean(query: Query, name: string): boolean {
  const raw = queryValue(query, name);
  if (raw === undefined) return false;
  const lower = raw.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw badRequest(`query parameter ${name} must be true or false (got "${raw}")`);
}

export interface Paging {
  limit: number;
  page: number;
}

export function parsePaging(query: Query): Paging {
  return {
    limit: queryInteger(query, 'limit', 1) ?? DEFAULT_PAGE_SIZE,
    page: queryInteger(query, 'page', 1) ?? 1,
  };
}

export interface Sort<K extends string> {
  key: K;
  descending: boolean;
}

export function parseSort<K extends string>(query: Query, keys: readonly K[]): Sort<K> | undefined {
  const raw = queryValue(query, 'sort');
  if (raw === undefined) return undefined;
  const match = /^([^:]+):(asc|desc)$/i.exec(raw.trim());
  if (!match) throw badRequest(`query parameter sort must look like "{key}:asc" or "{key}:desc" (got "${raw}")`);
  const key = match[1] as K;
  if (!keys.includes(key)) {
    throw badRequest(`query parameter sort has an unknown key "${match[1]}"; possible keys: ${keys.join(', ')}`);
  }
  return { key, descending: match[2]!.toLowerCase() === 'desc' };
}

type Sortable = string | number | Date | null | undefined;

export function sortBy<T, K extends string>(items: T[], sort: Sort<K> | undefined, valueOf: (item: T, key: K) => Sortable): T[] {
  if (!sort) return items;
  const rank = (v: Sortable) => (v instanceof Date ? v.getTime() : v);
  const direction = sort.descending ? -1 : 1;
  // Nulls rank lowest; ties keep their incoming order (Array.prototype.sort is stable).
  const compare = (x: Sortable, y: Sortable): number => {
    if (x === y) return 0;
    if (x === null || x === undefined) return -1;
    if (y === null || y === undefined) return 1;
    return x < y ? -1 : 1;
  };
  return [...items].sort((a, b) => direction * compare(rank(valueOf(a, sort.key)), rank(valueOf(b, sort.key))));
}

export function pageOf<T>(items: T[], paging: Paging): { items: T[]; paging: Paging & { totalCount: number } } {
  const start = (paging.page - 1) * paging.limit;
  return { items: items.slice(start, start + paging.limit), paging: { ...paging, totalCount: items.length } };
}

import { describe, expect, it } from 'vitest';
import { collectPages, PagingError, walkPages, type Page } from '../../src/nas/paging.ts';

function pagesOf(items: string[], limitCap = Infinity) {
  const requested: number[] = [];
  const fetchPage = async (page: number, limit: number): Promise<Page<string>> => {
    requested.push(page);
    const size = Math.min(limit, limitCap);
    return { items: items.slice((page - 1) * size, page * size), paging: { page, limit: size, totalCount: items.length } };
  };
  return { fetchPage, requested };
}

describe('walkPages', () => {
  it('walks until totalCount is covered, without asking for an extra page', async () => {
    const { fetchPage, requested } = pagesOf(['a', 'b', 'c', 'd', 'e']);
    expect(await collectPages(fetchPage, { limit: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(requested).toEqual([1, 2, 3]);
  });

  it('copes with a server that caps the page size below the limit asked for', async () => {
    const { fetchPage } = pagesOf(['a', 'b', 'c', 'd', 'e'], 2);
    expect(await collectPages(fetchPage, { limit: 50 })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stops at an empty page even if totalCount promises more', async () => {
    let calls = 0;
    const fetchPage = async (page: number): Promise<Page<string>> => {
      calls++;
      return { items: page === 1 ? ['a'] : [], paging: { page, limit: 1, totalCount: 10 } };
    };
    expect(await collectPages(fetchPage, { limit: 1 })).toEqual(['a']);
    expect(calls).toBe(2);
  });

  it('gives up after maxPages on a server that never stops', async () => {
    let n = 0;
    const fetchPage = async (page: number): Promise<Page<string>> => ({ items: [`x${n++}`], paging: { page, limit: 1, totalCount: n + 100 } });
    await expect(collectPages(fetchPage, { limit: 1, maxPages: 20 })).rejects.toThrow(PagingError);
  });

  it('drops items seen on an earlier page when the list shifts', async () => {
    const pages = [['a', 'b'], ['b', 'c']];
    const fetchPage = async (page: number): Promise<Page<string>> => ({ items: pages[page - 1] ?? [], paging: { page, limit: 2, totalCount: 4 } });
    expect(await collectPages(fetchPage, { limit: 2 }, (s) => s)).toEqual(['a', 'b', 'c']);
  });

  it('yields page by page', async () => {
    const { fetchPage } = pagesOf(['a', 'b', 'c']);
    const seen: string[][] = [];
    for await (const items of walkPages(fetchPage, { limit: 2 })) seen.push(items);
    expect(seen).toEqual([['a', 'b'], ['c']]);
  });
});

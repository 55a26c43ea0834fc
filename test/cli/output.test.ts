import { describe, expect, it } from 'vitest';
import { formatBytes, formatCell, renderRecord, renderTable } from '../../src/cli/output.ts';

describe('renderTable', () => {
  it('aligns columns (wide characters counted), right-aligns numbers on request, no trailing spaces', () => {
    const text = renderTable(
      [
        { header: 'NAME', value: (r: { name: string; size: number }) => r.name },
        { header: 'SIZE', value: (r) => r.size, align: 'right' },
      ],
      [
        { name: '볼륨', size: 300 },
        { name: 'logs-volume', size: 10000 },
      ],
    );
    expect(text).toBe(['NAME          SIZE', '볼륨           300', 'logs-volume  10000', ''].join('\n'));
  });
});

describe('renderRecord', () => {
  it('prints label/value lines', () => {
    expect(renderRecord([['Name', 'app'], ['Description', null]])).toBe('Name         app\nDescription  -\n');
  });
});

describe('formatCell', () => {
  it('renders nothing, lists, booleans, dates and multi-line text', () => {
    expect(formatCell(undefined)).toBe('-');
    expect(formatCell([])).toBe('-');
    expect(formatCell(['a', 'b'])).toBe('a, b');
    expect(formatCell(true)).toBe('yes');
    expect(formatCell(new Date(Date.UTC(2025, 0, 2)))).toBe('2025-01-02T00:00:00.000Z');
    expect(formatCell('two\nlines')).toBe('two lines');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3112960)).toBe('3.0 MiB');
    expect(formatBytes(47244644352)).toBe('44.0 GiB');
    expect(formatBytes(null)).toBe('-');
  });
});

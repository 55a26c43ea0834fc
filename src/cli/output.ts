// How CLI commands print: aligned tables and key/value records for people, JSON for
// scripts. Generic on purpose (nas, history, alerts… share it). Commands write to an
// injected CliIo so tests can run them in-process.
import Table from 'cli-table3';

export interface TextSink {
  write(text: string): unknown;
}

/** Where a command reads its environment and writes its output. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  align?: 'left' | 'right';
}

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

/** A cell as text: `-` for nothing, ISO for dates, comma-joined lists, JSON for objects. */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '-' : value.toISOString();
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatCell).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  // Table cells are one line each.
  return String(value).replace(/\s*\n\s*/g, ' ');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 47244644352 → "44.0 GiB"; `-` for nothing. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

function borderless(head: string[], colAligns?: ('left' | 'right')[]): Table.Table {
  return new Table({
    head,
    chars: NO_BORDERS,
    // No colours: output is often piped or captured.
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [] },
    ...(colAligns ? { colAligns } : {}),
  });
}

function finish(table: Table.Table): string {
  // cli-table3 pads the last column; trailing spaces only get in the way of grep/diff.
  return `${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`;
}

/** Rows under upper-case headers, columns aligned (wide characters counted correctly). */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const table = borderless(
    columns.map((c) => c.header),
    columns.map((c) => c.align ?? 'left'),
  );
  for (const row of rows) table.push(columns.map((c) => formatCell(c.value(row))));
  return finish(table);
}

/** One object as `Label  value` lines. */
export function renderRecord(fields: readonly (readonly [label: string, value: unknown])[]): string {
  const table = borderless([]);
  for (const [label, value] of fields) table.push([label, formatCell(value)]);
  return finish(table);
}

export function printTable<T>(out: TextSink, columns: readonly Column<T>[], rows: readonly T[], emptyMessage = '(none)'): void {
  out.write(rows.length === 0 ? `${emptyMessage}\n` : renderTable(columns, rows));
}

export function printRecord(out: TextSink, fields: readonly (readonly [string, unknown])[]): void {
  out.write(renderRecord(fields));
}

/** A titled section, for records with nested lists. */
export function printSection(out: TextSink, title: string): void {
  out.write(`\n${title}\n`);
}

/** Pretty JSON, one document per call, newline-terminated. */
export function printJson(out: TextSink, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

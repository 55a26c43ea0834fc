// Large policy files for the size-cap, parse-speed and responsiveness tests and bench/policy-parse.ts.

/** A valid policy whose `volumes.names` list makes the file about `bytes` long. */
export function largeValidPolicy(name: string, bytes: number): string {
  const head = `apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: ${name}\nspec:\n  usage: {}\n  volumes:\n    names:\n`;
  const lines: string[] = [head];
  let length = head.length;
  for (let i = 0; length < bytes; i++) {
    const line = `      - ${name}-volume-${String(i).padStart(7, '0')}-not-in-any-region\n`;
    lines.push(line);
    length += line.length;
  }
  return lines.join('');
}

/** One mapping with `keys` keys (the shape yaml's own duplicate-key check is quadratic in). */
export function largeMapping(keys: number, duplicate?: { of: number }): string {
  const lines = ['apiVersion: nasorch/v1\nkind: Policy\nmetadata:\n  name: big-map\n  labels:\n'];
  for (let i = 0; i < keys; i++) lines.push(`    key-${i}: value-${i}-abcdefghijklmnopqrstuvwxyz\n`);
  if (duplicate) lines.push(`    key-${duplicate.of}: again\n`);
  return lines.join('');
}

// package.json's engines range is a promise: every production dependency (as locked) must run on
// every Node version it admits, or installs warn EBADENGINE (or break) on some of them.
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; devOptional?: boolean; engines?: { node?: string } | string[] }>;
};

describe('engines', () => {
  it('declares a valid range that includes the Node running the tests', () => {
    expect(semver.validRange(pkg.engines.node)).not.toBeNull();
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });

  it('fits inside every production dependency’s engines.node', () => {
    const misfits = Object.entries(lock.packages)
      .filter(([where, p]) => where !== '' && !p.dev && !p.devOptional)
      .flatMap(([where, p]) => {
        const node = !Array.isArray(p.engines) ? p.engines?.node : undefined;
        return node && !semver.subset(pkg.engines.node, node) ? [`${where}@${p.version}: ${node}`] : [];
      });
    expect(misfits).toEqual([]);
  });
});

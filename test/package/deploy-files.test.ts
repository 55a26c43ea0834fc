// The deployment files, checked by structure (no Docker engine or systemd runs here): the
// Dockerfile's stages, user, health check and command; the compose demo service; the systemd
// unit's restart, reload and hardening; the environment file's keys.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions: comments dropped, `\` continuations joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions grouped by stage (from one FROM to the next). */
function stages(instructions: Instruction[]): { from: string; name?: string; body: Instruction[] }[] {
  const out: { from: string; name?: string; body: Instruction[] }[] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const [image = '', as, name] = i.args.split(/\s+/);
      out.push({ from: image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), body: [] });
    } else {
      out.at(-1)?.body.push(i);
    }
  }
  return out;
}

const execForm = (args: string): string[] => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  const instructions = parseDockerfile(read('Dockerfile'));
  const all = stages(instructions);
  const runtime = all.at(-1)!;
  const find = (keyword: string) => runtime.body.filter((i) => i.keyword === keyword);

  it('has a build stage and a runtime stage, both on a current Node LTS image', () => {
    expect(all.map((s) => s.name)).toEqual(['build', 'runtime']);
    for (const s of all) expect(s.from).toMatch(/^node:(22|24)[-.\w]*$/);
  });

  it('builds with dev dependencies and ships production dependencies plus dist/ only', () => {
    const buildRuns = all[0]!.body.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(buildRuns).toContainEqual(expect.stringMatching(/npm ci\b/));
    expect(buildRuns).toContainEqual('npm run build');
    expect(find('RUN').map((i) => i.args)).toContainEqual(expect.stringMatching(/npm ci --omit=dev\b.*--ignore-scripts/));
    expect(find('COPY').map((i) => i.args)).toContain('--from=build /app/dist ./dist');
    expect(find('COPY').map((i) => i.args)).toContainEqual(expect.stringMatching(/^prisma\/migrations /));
  });

  it('runs as a non-root user, listens on every interface, reads policies from /config', () => {
    const users = find('USER').map((i) => i.args);
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const env = find('ENV').map((i) => i.args).join(' ');
    expect(env).toMatch(/\bHTTP_HOST=0\.0\.0\.0\b/);
    expect(find('VOLUME').map((i) => i.args)).toContain('["/config"]');
    expect([...execForm(find('ENTRYPOINT')[0]!.args), ...execForm(find('CMD')[0]!.args)]).toEqual([
      'node', 'bin/nasorch.js', 'daemon', '--config', '/config',
    ]);
  });

  it('checks /healthz', () => {
    const [healthcheck] = find('HEALTHCHECK');
    expect(healthcheck?.args).toMatch(/\bCMD\b.*\/healthz/);
    expect(instructions.indexOf(healthcheck!)).toBeGreaterThan(instructions.indexOf(find('USER')[0]!));
  });

  it('copies only files that exist and that .dockerignore does not exclude', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = all.flatMap((s) => s.body).filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(path.join(root, source)), source).toBe(true);
      expect(ignored.some((pattern) => source === pattern || source.startsWith(`${pattern}/`)), `${source} is in .dockerignore`).toBe(false);
    }
  });
});

describe('docker-compose.yml', () => {
  const compose = parseYaml(read('docker-compose.yml')) as {
    services: Record<string, { profiles?: string[]; build?: string; command?: string[]; environment?: Record<string, string>; volumes?: string[]; depends_on?: Record<string, unknown> }>;
  };

  it('keeps redis and postgres in the default profile (the quick start) and nasorch in "demo"', () => {
    expect(compose.services.redis?.profiles).toBeUndefined();
    expect(compose.services.postgres?.profiles).toBeUndefined();
    const nasorch = compose.services.nasorch!;
    expect(nasorch.profiles).toEqual(['demo']);
    expect(nasorch.build).toBe('.');
    expect(nasorch.command?.[0]).toBe('demo');
  });

  it('points nasorch at the compose services and the mounted policies', () => {
    const nasorch = compose.services.nasorch!;
    expect(new URL(nasorch.environment!.REDIS_URL!).hostname).toBe('redis');
    expect(new URL(nasorch.environment!.DATABASE_URL!).hostname).toBe('postgres');
    expect(nasorch.environment!.HTTP_HOST).toBe('0.0.0.0');
    expect(nasorch.volumes).toContainEqual(expect.stringMatching(/:\/config(:ro)?$/));
    expect(Object.keys(nasorch.depends_on ?? {}).sort()).toEqual(['postgres', 'redis']);
  });
});

/** A systemd unit file: section → key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !current) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq).trim();
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return sections;
}

describe('deploy/systemd', () => {
  const unit = parseUnit(read('deploy/systemd/nasorch.service'));
  const service = unit.get('Service')!;
  const value = (key: string) => service.get(key)?.at(-1);

  it('has the three sections and starts the daemon with a policy directory', () => {
    expect([...unit.keys()]).toEqual(['Unit', 'Service', 'Install']);
    expect(value('ExecStart')).toMatch(/nasorch daemon --config \/\S+/);
    expect(unit.get('Install')!.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('restarts on failure, reloads with SIGHUP and reads secrets from an EnvironmentFile', () => {
    expect(value('Restart')).toBe('on-failure');
    expect(value('ExecReload')).toMatch(/kill -HUP \$MAINPID$/);
    expect(value('EnvironmentFile')).toMatch(/^-?\/etc\/nasorch\/nasorch\.env$/);
    expect(value('User')).toBe('nasorch');
  });

  it('is hardened, without what breaks V8', () => {
    expect(value('NoNewPrivileges')).toBe('yes');
    expect(value('ProtectSystem')).toBe('strict');
    expect(value('ProtectHome')).toBe('yes');
    expect(value('PrivateTmp')).toBe('yes');
    expect(value('CapabilityBoundingSet')).toBe('');
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('the example environment file sets only settings nasorch reads', () => {
    const settingsSource = read('src/settings/settings.ts') + read('src/log/logger.ts');
    const lines = read('deploy/systemd/nasorch.env.example').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const keys = lines.map((l) => {
      const m = /^([A-Z][A-Z0-9_]*)=/.exec(l);
      expect(m, `not KEY=value: ${l}`).not.toBeNull();
      return m![1]!;
    });
    expect(keys).toEqual(expect.arrayContaining(['NHN_TENANT_ID', 'NHN_USERNAME', 'NHN_API_PASSWORD', 'DATABASE_URL', 'REDIS_URL', 'HTTP_HOST']));
    for (const key of keys) expect(new RegExp(`\\b${key}\\b`).test(settingsSource), `${key} is not read by src/settings or src/log`).toBe(true);
  });
});

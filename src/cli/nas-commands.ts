// `nasorch nas …`: the raw NAS API for operators, one subcommand per API call. Commander
// only parses; every action builds a NasCommand and hands it to runNasCommand, which tests
// call in-process with their own stdout/stderr/env.
// Destructive calls (delete, restore, mirror start/stop/invert) refuse to run without --yes.
import { Command, InvalidArgumentError } from 'commander';
import { describeSkippedVolume } from '../nas/client.ts';
import { createNasConnection, type NasConnection, type NasConnectionOptions } from '../nas/connection.ts';
import type { SkippedItem } from '../nas/paging.ts';
import type { NasClient } from '../nas/client.ts';
import type { ListVolumesQuery, MirrorStat, RestoreHistory, Snapshot, Usage, Volume, VolumeInterface, VolumeMirror } from '../nas/schemas.ts';
import { identitySettings, type IdentitySettings } from '../settings/settings.ts';
import { formatBytes, printJson, printRecord, printSection, printTable, processIo, type CliIo, type Column } from './output.ts';

/** Options of the `nas` group, valid on every subcommand. */
export interface NasGlobalOptions {
  /** Region to call; default NHN_REGION (KR1 when unset). */
  region?: string;
  json?: boolean;
}

type VolumeRef = { volumeId: string };
type SnapshotRef = VolumeRef & { snapshotId: string };
type MirrorRef = VolumeRef & { mirrorId: string };

/** One parsed `nasorch nas …` invocation. */
export type NasCommand = NasGlobalOptions &
  (
    | { name: 'volumes list'; query: ListVolumesQuery; all?: boolean }
    | ({ name: 'volumes get' } & VolumeRef)
    | ({ name: 'snapshots list' } & VolumeRef)
    | ({ name: 'snapshots get'; showReclaimableSpace?: boolean } & SnapshotRef)
    | ({ name: 'snapshots create'; snapshotName: string } & VolumeRef)
    | ({ name: 'snapshots delete'; yes?: boolean } & SnapshotRef)
    | ({ name: 'snapshots restore'; yes?: boolean } & SnapshotRef)
    | ({ name: 'usage' } & VolumeRef)
    | ({ name: 'restore-histories'; limit?: number; page?: number; sort?: string; all?: boolean } & VolumeRef)
    | ({ name: 'mirrors stat' } & MirrorRef)
    | ({ name: 'mirrors start' | 'mirrors stop' | 'mirrors invert'; yes?: boolean } & MirrorRef)
  );

export interface NasCommandDeps {
  /** Builds the connection from settings; tests inject clocks and tiny retry delays here. */
  connect?: (settings: IdentitySettings) => NasConnection;
  connectionOptions?: NasConnectionOptions;
}

/** A refusal or bad input caught before any API call. */
export class NasCommandError extends Error {
  override name = 'NasCommandError';
}

// ---- Confirmation rules (pure) --------------------------------------------------------

/** Why a command needs --yes, or undefined when it does not. */
export function confirmationNeeded(command: NasCommand): string | undefined {
  switch (command.name) {
    case 'snapshots delete':
      return command.yes ? undefined : `refusing to delete snapshot ${command.snapshotId} of volume ${command.volumeId} without --yes`;
    case 'snapshots restore':
      return command.yes
        ? undefined
        : `refusing to restore volume ${command.volumeId} to snapshot ${command.snapshotId} without --yes: a restore rolls the volume back and deletes every snapshot newer than it`;
    case 'mirrors start':
      return command.yes
        ? undefined
        : `refusing to start mirror ${command.mirrorId} without --yes: anything written on the destination volume since replication stopped is discarded`;
    case 'mirrors stop':
      return command.yes
        ? undefined
        : `refusing to stop mirror ${command.mirrorId} without --yes: the destination stops receiving changes and becomes writable`;
    case 'mirrors invert':
      return command.yes
        ? undefined
        : `refusing to invert mirror ${command.mirrorId} without --yes: the side that becomes the destination is wiped and re-synced from the other`;
    default:
      return undefined;
  }
}

// ---- Running -----------------------------------------------------------------------------

export async function runNasCommand(command: NasCommand, io: CliIo, deps: NasCommandDeps = {}): Promise<void> {
  const refusal = confirmationNeeded(command);
  if (refusal) throw new NasCommandError(refusal);

  const settings = identitySettings(io.env);
  const connection = deps.connect ? deps.connect(settings) : createNasConnection(settings, deps.connectionOptions);
  const region = (command.region?.trim() || connection.defaultRegion).toUpperCase();
  const client = connection.client(region);
  const out = io.stdout;
  const json = command.json === true;

  switch (command.name) {
    case 'volumes list': {
      if (command.all) {
        if (command.query.page !== undefined) throw new NasCommandError('--page and --all do not go together (--all walks every page)');
        const { volumes, skipped } = await client.listAllVolumesReporting(withoutPage(command.query));
        warnSkipped(io, region, skipped);
        return json ? printJson(out, volumes) : printTable(out, VOLUME_COLUMNS, volumes, 'no volumes');
      }
      const { volumes, paging, skipped } = await client.listVolumes(command.query);
      warnSkipped(io, region, skipped);
      if (paging.totalCount > volumes.length + skipped.length) {
        io.stderr.write(`showing ${volumes.length} of ${paging.totalCount} volumes (page ${paging.page}); pass --all for every page\n`);
      }
      return json ? printJson(out, volumes) : printTable(out, VOLUME_COLUMNS, volumes, 'no volumes');
    }
    case 'volumes get': {
      const volume = await client.getVolume(command.volumeId);
      return json ? printJson(out, volume) : printVolume(io, volume);
    }
    case 'snapshots list': {
      const snapshots = await client.listSnapshots(command.volumeId);
      return json ? printJson(out, snapshots) : printTable(out, SNAPSHOT_COLUMNS, snapshots, 'no snapshots');
    }
    case 'snapshots get': {
      const snapshot = await client.getSnapshot(command.volumeId, command.snapshotId, { showReclaimableSpace: command.showReclaimableSpace });
      return json ? printJson(out, snapshot) : printRecord(out, snapshotFields(snapshot));
    }
    case 'snapshots create': {
      const snapshot = await client.createSnapshot(command.volumeId, { name: command.snapshotName });
      return json ? printJson(out, snapshot) : printRecord(out, snapshotFields(snapshot));
    }
    case 'snapshots delete': {
      await client.deleteSnapshot(command.volumeId, command.snapshotId);
      return report(io, json, { action: 'deleteSnapshot', region, volumeId: command.volumeId, snapshotId: command.snapshotId }, `deleted snapshot ${command.snapshotId} of volume ${command.volumeId} (${region})`);
    }
    case 'snapshots restore': {
      await client.restoreSnapshot(command.volumeId, command.snapshotId);
      return report(
        io,
        json,
        { action: 'restoreSnapshot', region, volumeId: command.volumeId, snapshotId: command.snapshotId },
        `restore of volume ${command.volumeId} to snapshot ${command.snapshotId} requested (${region}); check with: nasorch nas restore-histories ${command.volumeId}`,
      );
    }
    case 'usage': {
      const usage = await client.getUsage(command.volumeId);
      return json ? printJson(out, usage) : printRecord(out, usageFields(usage));
    }
    case 'restore-histories': {
      const query = { limit: command.limit, page: command.page, sort: command.sort };
      if (command.all) {
        if (command.page !== undefined) throw new NasCommandError('--page and --all do not go together (--all walks every page)');
        const histories = await client.listAllRestoreHistories(command.volumeId, { limit: query.limit, sort: query.sort });
        return json ? printJson(out, histories) : printTable(out, RESTORE_HISTORY_COLUMNS, histories, 'no restores');
      }
      const { restoreHistories, paging } = await client.listRestoreHistories(command.volumeId, query);
      if (paging.totalCount > restoreHistories.length) {
        io.stderr.write(`showing ${restoreHistories.length} of ${paging.totalCount} restores (page ${paging.page}); pass --all for every page\n`);
      }
      return json ? printJson(out, restoreHistories) : printTable(out, RESTORE_HISTORY_COLUMNS, restoreHistories, 'no restores');
    }
    case 'mirrors stat': {
      const stat = await client.getMirrorStat(command.volumeId, command.mirrorId);
      return json ? printJson(out, stat) : printRecord(out, mirrorStatFields(stat));
    }
    case 'mirrors start':
    case 'mirrors stop':
    case 'mirrors invert': {
      const verb = command.name.slice('mirrors '.length) as 'start' | 'stop' | 'invert';
      await MIRROR_ACTIONS[verb](client, command.volumeId, command.mirrorId);
      return report(
        io,
        json,
        { action: `${verb}Mirror`, region, volumeId: command.volumeId, mirrorId: command.mirrorId },
        `${verb} of mirror ${command.mirrorId} on volume ${command.volumeId} requested (${region}); follow it with: nasorch nas mirrors stat ${command.volumeId} ${command.mirrorId}`,
      );
    }
  }
}

const MIRROR_ACTIONS: Record<'start' | 'stop' | 'invert', (client: NasClient, volumeId: string, mirrorId: string) => Promise<void>> = {
  start: (c, v, m) => c.startMirror(v, m),
  stop: (c, v, m) => c.stopMirror(v, m),
  invert: (c, v, m) => c.invertMirrorDirection(v, m),
};

function withoutPage(query: ListVolumesQuery): Omit<ListVolumesQuery, 'page'> {
  const { page: _ignored, ...rest } = query;
  return rest;
}

/** Header-only API answers: a sentence for people, a small object for scripts. */
function report(io: CliIo, json: boolean, result: Record<string, string>, sentence: string): void {
  if (json) printJson(io.stdout, { ...result, accepted: true });
  else io.stdout.write(`${sentence}\n`);
}

// ---- Presentation -------------------------------------------------------------------------

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One stderr line per malformed listing entry left out. */
function warnSkipped(io: CliIo, region: string, skipped: readonly SkippedItem[]): void {
  for (const entry of skipped) io.stderr.write(`skipped a malformed volume in the ${region} listing: ${describeSkippedVolume(entry)}\n`);
}

function mirrorSummary(mirror: VolumeMirror): string {
  if (mirror.role === 'SOURCE') return `SOURCE→${mirror.dstRegion}`;
  if (mirror.role === 'DESTINATION') return `DESTINATION←${mirror.srcRegion}`;
  return `${mirror.role}?`; // undocumented role: shown as sent
}

const VOLUME_COLUMNS: Column<Volume>[] = [
  { header: 'ID', value: (v) => v.id },
  { header: 'NAME', value: (v) => v.name },
  { header: 'STATUS', value: (v) => v.status },
  { header: 'SIZE_GB', value: (v) => v.sizeGb, align: 'right' },
  { header: 'PROTOCOL', value: (v) => v.mountProtocol?.protocol },
  { header: 'INTERFACES', value: (v) => v.interfaces.map((i) => i.path ?? i.status) },
  { header: 'MIRRORS', value: (v) => v.mirrors.map(mirrorSummary) },
  { header: 'CREATED', value: (v) => v.createdAt },
];

const INTERFACE_COLUMNS: Column<VolumeInterface>[] = [
  { header: 'ID', value: (i) => i.id },
  { header: 'PATH', value: (i) => i.path },
  { header: 'STATUS', value: (i) => i.status },
  { header: 'SUBNET', value: (i) => i.subnetId },
];

const MIRROR_COLUMNS: Column<VolumeMirror>[] = [
  { header: 'ID', value: (m) => m.id },
  { header: 'ROLE', value: (m) => m.role },
  { header: 'STATUS', value: (m) => m.status },
  { header: 'DIRECTION', value: (m) => m.direction },
  { header: 'SOURCE', value: (m) => `${m.srcRegion}/${m.srcVolumeName} (${m.srcVolumeId})` },
  { header: 'DESTINATION', value: (m) => `${m.dstRegion}/${m.dstVolumeName} (${m.dstVolumeId})` },
  { header: 'CREATED', value: (m) => m.createdAt },
];

const SNAPSHOT_COLUMNS: Column<Snapshot>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'NAME', value: (s) => s.name },
  { header: 'TYPE', value: (s) => s.type },
  { header: 'SIZE', value: (s) => formatBytes(s.size), align: 'right' },
  { header: 'PRESERVED', value: (s) => s.preserved },
  { header: 'CREATED', value: (s) => s.createdAt },
];

const RESTORE_HISTORY_COLUMNS: Column<RestoreHistory>[] = [
  { header: 'REQUESTED', value: (r) => r.requestedAt },
  { header: 'SNAPSHOT', value: (r) => r.snapshotName },
  { header: 'SNAPSHOT_ID', value: (r) => r.snapshotId },
  { header: 'RESULT', value: (r) => r.result },
  { header: 'RESTORED', value: (r) => r.restoredAt },
  { header: 'USER', value: (r) => r.requestedUser },
  { header: 'IP', value: (r) => r.requestedIp },
];

function snapshotPolicyText(volume: Volume): string | undefined {
  const policy = volume.snapshotPolicy;
  if (!policy) return undefined;
  const parts: string[] = [];
  if (policy.reservePercent != null) parts.push(`reserve ${policy.reservePercent}%`);
  if (policy.maxScheduledCount != null) parts.push(`keep ${policy.maxScheduledCount} scheduled`);
  const schedule = policy.schedule;
  if (schedule) {
    const weekdays = schedule.weekdays;
    const days = weekdays === undefined ? 'days unknown' : weekdays.length === 0 ? 'every day' : weekdays.map((d) => WEEKDAYS[d] ?? String(d)).join(',');
    parts.push(`schedule ${schedule.time} ${schedule.timeOffset} ${days}`);
  } else {
    parts.push('no schedule');
  }
  return parts.join(', ');
}

function printVolume(io: CliIo, volume: Volume): void {
  const protocol = volume.mountProtocol;
  printRecord(io.stdout, [
    ['ID', volume.id],
    ['Name', volume.name],
    ['Status', volume.status],
    ['Size', `${volume.sizeGb} GB`],
    ['Protocol', protocol?.cifsAuthIds?.length ? `${protocol.protocol} (${protocol.cifsAuthIds.join(', ')})` : protocol?.protocol],
    ['ACL', volume.acl],
    ['Encryption', volume.encryption ? (volume.encryption.enabled ? 'on' : 'off') : undefined],
    ['Description', volume.description],
    ['Snapshots', snapshotPolicyText(volume)],
    ['Tenant', volume.tenantId],
    ['Project', volume.projectId],
    ['Created', volume.createdAt],
    ['Updated', volume.updatedAt],
  ]);
  printSection(io.stdout, 'Interfaces');
  printTable(io.stdout, INTERFACE_COLUMNS, volume.interfaces);
  printSection(io.stdout, 'Mirrors');
  printTable(io.stdout, MIRROR_COLUMNS, volume.mirrors);
}

function snapshotFields(s: Snapshot): [string, unknown][] {
  return [
    ['ID', s.id],
    ['Name', s.name],
    ['Type', s.type],
    ['Size', formatBytes(s.size)],
    ['Preserved', s.preserved],
    ['Created', s.createdAt],
    ...(s.reclaimableSpace === undefined ? [] : [['Reclaimable', formatBytes(s.reclaimableSpace)] as [string, unknown]]),
  ];
}

function usageFields(u: Usage): [string, unknown][] {
  return [
    ['Used GB', u.usedGb],
    ['User data GB', u.userDataGb],
    ['Snapshot reserve GB', u.snapshotReserveGb],
    ['Snapshot used GB', u.snapshotUsedGb],
    ['  in reserve', u.snapshotUsedGbInReservedSpace],
    ['  in user space', u.snapshotUsedGbInUserSpace],
  ];
}

function mirrorStatFields(s: MirrorStat): [string, unknown][] {
  return [
    ['Status', s.status],
    ['Last transfer', s.lastTransferStatus],
    ['Last transfer end', s.lastTransferEndTime],
    ['Last transfer size', formatBytes(s.lastTransferBytes)],
    ['Last success end', s.lastSuccessTransferEndTime],
    ['Last success size', formatBytes(s.lastSuccessTransferBytes)],
  ];
}

// ---- Commander wiring -------------------------------------------------------------------

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return n;
}

function sortSpec(value: string): string {
  if (!/^[A-Za-z_]+:(asc|desc)$/i.test(value.trim())) throw new InvalidArgumentError(`expected {key}:{asc|desc}, e.g. createdAt:desc, got "${value}"`);
  return value.trim();
}

type WithoutGlobals<T> = T extends unknown ? Omit<T, keyof NasGlobalOptions> : never;

/** Adds `nas …` to the program. `io`/`deps` are for tests; the CLI uses the process's. */
export function registerNasCommands(program: Command, io: CliIo = processIo(), deps: NasCommandDeps = {}): Command {
  const nas = program
    .command('nas')
    .description('Call the NHN Cloud NAS API directly (raw operator commands)')
    .option('--region <region>', 'region to call (default: NHN_REGION, else KR1)')
    .option('--json', 'print the API objects as JSON (for scripts)');

  const run = (cmd: Command, command: WithoutGlobals<NasCommand>) => {
    const globals = cmd.optsWithGlobals<NasGlobalOptions>();
    return runNasCommand({ ...command, region: globals.region, json: globals.json }, io, deps);
  };

  const volumes = nas.command('volumes').description('NAS volumes');
  volumes
    .command('list')
    .description('list volumes (one page unless --all)')
    .option('--name <name>', 'exact volume name')
    .option('--name-contains <text>', 'volume name contains')
    .option('--size-gb <gb>', 'exact size in GB', positiveInteger)
    .option('--min-size-gb <gb>', 'minimum size in GB', positiveInteger)
    .option('--max-size-gb <gb>', 'maximum size in GB', positiveInteger)
    .option('--subnet-id <id>', 'volumes with an interface on this subnet')
    .option('--sort <key:direction>', 'id|name|sizeGb|createdAt|updatedAt, e.g. createdAt:desc', sortSpec)
    .option('--limit <n>', 'page size', positiveInteger)
    .option('--page <n>', 'page number (from 1)', positiveInteger)
    .option('--all', 'walk every page')
    .action((opts: ListVolumesQuery & { all?: boolean }, cmd: Command) => {
      const { all, ...query } = opts;
      return run(cmd, { name: 'volumes list', query, all });
    });
  volumes
    .command('get <volumeId>')
    .description('show one volume with its interfaces and mirrors')
    .action((volumeId: string, _opts, cmd: Command) => run(cmd, { name: 'volumes get', volumeId }));

  const snapshots = nas.command('snapshots').description('snapshots of a volume');
  snapshots
    .command('list <volumeId>')
    .description('list the snapshots of a volume')
    .action((volumeId: string, _opts, cmd: Command) => run(cmd, { name: 'snapshots list', volumeId }));
  snapshots
    .command('get <volumeId> <snapshotId>')
    .description('show one snapshot')
    .option('--reclaimable', 'include the space its deletion would free (showReclaimableSpace)')
    .action((volumeId: string, snapshotId: string, opts: { reclaimable?: boolean }, cmd: Command) =>
      run(cmd, { name: 'snapshots get', volumeId, snapshotId, showReclaimableSpace: opts.reclaimable }),
    );
  snapshots
    .command('create <volumeId>')
    .description('create a snapshot now')
    .requiredOption('--name <name>', 'snapshot name')
    .action((volumeId: string, opts: { name: string }, cmd: Command) => run(cmd, { name: 'snapshots create', volumeId, snapshotName: opts.name }));
  snapshots
    .command('delete <volumeId> <snapshotId>')
    .description('delete a snapshot (needs --yes)')
    .option('--yes', 'really delete')
    .action((volumeId: string, snapshotId: string, opts: { yes?: boolean }, cmd: Command) =>
      run(cmd, { name: 'snapshots delete', volumeId, snapshotId, yes: opts.yes }),
    );
  snapshots
    .command('restore <volumeId> <snapshotId>')
    .description('roll the volume back to a snapshot, DELETING every newer snapshot (needs --yes)')
    .option('--yes', 'really restore')
    .action((volumeId: string, snapshotId: string, opts: { yes?: boolean }, cmd: Command) =>
      run(cmd, { name: 'snapshots restore', volumeId, snapshotId, yes: opts.yes }),
    );

  nas
    .command('usage <volumeId>')
    .description('space used by a volume and its snapshots')
    .action((volumeId: string, _opts, cmd: Command) => run(cmd, { name: 'usage', volumeId }));

  nas
    .command('restore-histories <volumeId>')
    .description('snapshot restores of a volume (one page unless --all)')
    .option('--sort <key:direction>', 'e.g. requestedAt:desc', sortSpec)
    .option('--limit <n>', 'page size', positiveInteger)
    .option('--page <n>', 'page number (from 1)', positiveInteger)
    .option('--all', 'walk every page')
    .action((volumeId: string, opts: { sort?: string; limit?: number; page?: number; all?: boolean }, cmd: Command) =>
      run(cmd, { name: 'restore-histories', volumeId, ...opts }),
    );

  const mirrors = nas.command('mirrors').description('volume replication (use the source volume id)');
  mirrors
    .command('stat <volumeId> <mirrorId>')
    .description('latest replication status')
    .action((volumeId: string, mirrorId: string, _opts, cmd: Command) => run(cmd, { name: 'mirrors stat', volumeId, mirrorId }));
  const mirrorAction = (verb: 'start' | 'stop' | 'invert', description: string) =>
    mirrors
      .command(`${verb} <volumeId> <mirrorId>`)
      .description(`${description} (needs --yes)`)
      .option('--yes', `really ${verb}`)
      .action((volumeId: string, mirrorId: string, opts: { yes?: boolean }, cmd: Command) =>
        run(cmd, { name: `mirrors ${verb}`, volumeId, mirrorId, yes: opts.yes }),
      );
  mirrorAction('start', 'resume replication; writes made on the destination meanwhile are discarded');
  mirrorAction('stop', 'stop replication; the destination becomes writable (failover)');
  mirrorAction('invert', 'swap source and destination; the new destination is wiped and re-synced');

  return nas;
}

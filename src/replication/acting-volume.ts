// Which volume a policy's job acts on. A policy selects volumes by name/id; for a replicated
// volume what it means is "the data of this pair", and that lives on the writer: after an
// invert (REVERSE) or a failover nasorch recorded, the other volume of the pair. Pure: the
// caller reads the volume, the mirror and the failover record, this module decides.
import { describePair, mirrorCallTargets, pairKey, type MirrorCallTarget, type MirrorView, type PairDescription, type PairSide } from './pair.ts';
import type { RecordedWriter } from './writer-override.ts';

export type MirrorChoice = 'auto' | { id: string };

export interface VolumeRef {
  id: string;
  name: string;
  region: string;
}

export type MirrorPick = { kind: 'mirror'; mirror: MirrorView } | { kind: 'none' } | { kind: 'error'; message: string };

/**
 * The mirror a policy means for a volume, whatever the volume's role in it: `auto` takes the
 * only one (several: an error naming them, choose by id), an id takes that one.
 */
export function pickMirror(volume: Pick<VolumeRef, 'id' | 'name'>, mirrors: readonly MirrorView[], choice: MirrorChoice, policy: string): MirrorPick {
  const where = `volume ${volume.name} (${volume.id})`;
  if (choice === 'auto') {
    if (mirrors.length === 0) return { kind: 'none' };
    if (mirrors.length === 1) return { kind: 'mirror', mirror: mirrors[0]! };
    const ids = mirrors.map((m) => m.id).join(', ');
    return { kind: 'error', message: `${where} has ${mirrors.length} mirrors (${ids}): set spec.replication.mirror to one id (policy ${policy})` };
  }
  const mirror = mirrors.find((m) => m.id === choice.id);
  return mirror ? { kind: 'mirror', mirror } : { kind: 'error', message: `${where} has no mirror ${choice.id} (policy ${policy}, spec.replication.mirror)` };
}

/** Who writes: nasorch's failover record if it names a side of the pair, else the API's direction. */
export function currentWriter(pair: PairDescription, recorded: RecordedWriter | undefined): { writer: PairSide | null; by: 'record' | 'direction' } {
  if (recorded) {
    const side = [pair.original, pair.replica].find((s) => s.id === recorded.volumeId);
    if (side) return { writer: side, by: 'record' };
  }
  return { writer: pair.writer, by: 'direction' };
}

export interface ActingInput {
  selected: VolumeRef;
  mirror: MirrorView | null;
  recorded?: RecordedWriter;
  /** Does the same policy also select this volume (region + selector)? Asked only for the writer. */
  policySelects(volume: VolumeRef): boolean;
}

export interface PairContext {
  key: string;
  mirrorId: string;
  pair: PairDescription;
  /** null when the direction is unknown (nothing may act on a guess). */
  writer: PairSide | null;
  writerBy: 'record' | 'direction';
  /** The recorded writer differs from what `direction` says: the pair was failed over by nasorch. */
  failedOver: boolean;
  recordedReason?: string;
}

export type ActingDecision =
  | { kind: 'act'; acting: VolumeRef; redirectedFrom: VolumeRef | null; pair: PairContext | null; note?: string }
  | { kind: 'skip'; reason: string; pair: PairContext };

export function decideActingVolume(input: ActingInput): ActingDecision {
  const { selected, mirror } = input;
  if (!mirror) return { kind: 'act', acting: selected, redirectedFrom: null, pair: null };
  const pair = describePair(mirror);
  const { writer, by } = currentWriter(pair, input.recorded);
  const context: PairContext = {
    key: pairKey(mirror),
    mirrorId: pair.mirrorId,
    pair,
    writer,
    writerBy: by,
    failedOver: by === 'record' && writer !== null && writer.id !== pair.writer?.id,
    ...(input.recorded?.reason ? { recordedReason: input.recorded.reason } : {}),
  };
  if (!writer) {
    return { kind: 'act', acting: selected, redirectedFrom: null, pair: context, note: `direction ${JSON.stringify(mirror.direction)} is unknown: acting on the selected volume` };
  }
  if (writer.id === selected.id) return { kind: 'act', acting: selected, redirectedFrom: null, pair: context };
  const acting: VolumeRef = { id: writer.id, name: writer.name, region: writer.region };
  if (input.policySelects(acting)) {
    return {
      kind: 'skip',
      pair: context,
      reason: `the pair's writer ${acting.name} (${acting.id}, ${acting.region}) is selected by this policy too; its own job acts`,
    };
  }
  return { kind: 'act', acting, redirectedFrom: selected, pair: context };
}

/**
 * Where the pair's mirror calls go, in order: the writer (the recorded one after a failover)
 * on its region, then the peer on its own. Empty when no writer is known: no call on a guess.
 */
export function pairCallTargets(context: Pick<PairContext, 'pair' | 'writer'>): MirrorCallTarget[] {
  const { pair, writer } = context;
  if (!writer) return [];
  if (writer.id === pair.writer?.id) return mirrorCallTargets(pair);
  const peer = writer.id === pair.original.id ? pair.replica : pair.original;
  return [
    { volumeId: writer.id, region: writer.region, mirrorId: pair.mirrorId },
    { volumeId: peer.id, region: peer.region, mirrorId: pair.mirrorId },
  ];
}

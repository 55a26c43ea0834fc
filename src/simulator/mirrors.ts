// Volume-mirror (replication) requests: setup, delete, start, stop, invert-direction and
// the preconditions the console enforces, plus the switches for what NHN leaves open: which
// volume a call accepts (A1) and what happens while the peer region is out (A3). The
// time-driven half lives in replication.ts.
import { randomUUID } from 'node:crypto';
import { SIM_REGIONS, type MirrorCall } from './contract.ts';
import { badRequest, NasError, notFound } from './envelope.ts';
import { requireNoMirror, requireStatus } from './guards.ts';
import { HoldRequest } from './held-requests.ts';
import { isRegion, type Region, type SimMirror, type SimVolume, type SimWorld } from './model.ts';
import { beginDelete, beginInvert, beginSetup, beginStart, beginStop, haltByFault, healHaltFault } from './replication.ts';
import type { MirrorCreate } from './validation.ts';
import { createVolume } from './volumes.ts';

/** A mirror record between two volumes, before any replication has happened. */
export function newMirror(
  source: SimVolume,
  destination: SimVolume,
  init: Pick<SimMirror, 'id' | 'createdAt' | 'objectStatus' | 'replication'>,
): SimMirror {
  return {
    ...init,
    srcRegion: source.region,
    srcVolumeId: source.id,
    srcTenantId: source.tenantId,
    srcProjectId: source.projectId,
    dstRegion: destination.region,
    dstVolumeId: destination.id,
    dstTenantId: destination.tenantId,
    dstProjectId: destination.projectId,
    direction: 'FORWARD',
    directionChangedAt: null,
    receiverWritable: false,
    lastTransfer: null,
    lastSuccess: null,
    transferredDataGb: 0,
    retrieveFailed: false,
    transferFails: false,
    haltedByFault: false,
  };
}

export function createMirror(world: SimWorld, source: SimVolume, input: MirrorCreate): SimMirror {
  requireStatus(source, ['ACTIVE'], 'set up replication');
  requireNoMirror(world, source, 'set up another one');
  const { dstRegion, dstTenantId, dstVolume } = input;
  if (!isRegion(dstRegion)) {
    throw badRequest(`volumeMirror.dstRegion must be one of ${SIM_REGIONS.join(', ')} (got "${dstRegion}")`);
  }
  if (dstTenantId !== world.account.tenantId) {
    throw badRequest(`volumeMirror.dstTenantId: tenant "${dstTenantId}" is not a project of this organization`);
  }
  if (dstRegion === source.region) {
    throw badRequest(`volumeMirror.dstRegion must differ from the source region ${source.region} within the same project`);
  }
  if (dstVolume.sizeGb !== source.sizeGb) {
    throw badRequest(`volumeMirror.dstVolume.sizeGb must equal the source volume's size (${source.sizeGb} GB), got ${dstVolume.sizeGb}`);
  }
  if (dstVolume.mountProtocol.protocol !== source.protocol) {
    throw badRequest(
      `volumeMirror.dstVolume.mountProtocol.protocol must match the source volume's protocol (${source.protocol})`,
    );
  }
  if (world.isRegionDown(dstRegion)) throw peerUnreachable(dstRegion);
  const destination = createVolume(world, dstRegion, dstVolume, { field: 'volumeMirror.dstVolume' });
  const mirror = newMirror(source, destination, { id: randomUUID(), createdAt: world.clock.now(), objectStatus: 'PENDING', replication: 'PENDING' });
  world.mirrors.set(mirror.id, mirror);
  beginSetup(world, mirror);
  return mirror;
}

/** The mirror's other end, as seen from `volume`. */
function peerRegion(mirror: SimMirror, volume: SimVolume): Region {
  const isSrc = mirror.srcVolumeId === volume.id && mirror.srcRegion === volume.region;
  return isSrc ? mirror.dstRegion : mirror.srcRegion;
}

function peerUnreachable(region: Region): NasError {
  return new NasError(500, `Failed to contact the peer region ${region}: replication service unreachable`);
}

function requirePeerReachable(world: SimWorld, mirror: SimMirror, volume: SimVolume): void {
  const peer = peerRegion(mirror, volume);
  if (world.isRegionDown(peer)) throw peerUnreachable(peer);
}

/**
 * A1: does this call accept `volume` (already known to be a side of `mirror`, reached through
 * its own region)? A refusal is a 400, or a 404 indistinguishable from a missing mirror.
 */
export function requireAcceptedSide(world: SimWorld, mirror: SimMirror, volume: SimVolume, call: MirrorCall): void {
  const rule = world.switches.mirrorCallVolume[call];
  if (rule === 'either') return;
  const forward = mirror.direction === 'FORWARD';
  const wanted =
    rule === 'source' || forward
      ? { id: mirror.srcVolumeId, region: mirror.srcRegion }
      : { id: mirror.dstVolumeId, region: mirror.dstRegion };
  if (wanted.id === volume.id && wanted.region === volume.region) return;
  if (world.switches.mirrorCallRejectStatus === 404) throw notFound(`Volume mirror ${mirror.id} not found on volume ${volume.id}`);
  const role = rule === 'source' ? 'source volume' : 'replicating (sending) volume';
  throw badRequest(`Invalid request: volume ${volume.id} is not the ${role} of volume mirror ${mirror.id}`);
}

/**
 * /stat as the called side can tell: with the peer region out it cannot obtain the figures
 * ("RETRIEVE FAILED"), unless the mirror is HALT, which it knows locally.
 */
export function statOf(world: SimWorld, mirror: SimMirror, volume: SimVolume): SimMirror {
  const cutOff = world.isRegionDown(peerRegion(mirror, volume)) && mirror.replication !== 'HALT';
  return cutOff ? { ...mirror, retrieveFailed: true } : mirror;
}

function requireSettled(mirror: SimMirror, action: string): void {
  if (mirror.objectStatus !== 'INITIALIZED') {
    throw badRequest(`Volume mirror ${mirror.id} is ${mirror.objectStatus}; cannot ${action} until it is INITIALIZED`);
  }
}

/** `volume` is the side the request named (its region answered). */
export function stopMirror(mirror: SimMirror, world: SimWorld, volume: SimVolume): void {
  requireSettled(mirror, 'stop replication');
  if (mirror.replication !== 'ACTIVE') {
    throw badRequest(`Replication of volume mirror ${mirror.id} is ${mirror.replication}; only ACTIVE replication can be stopped`);
  }
  // A3: what a stop does when the other end cannot be reached.
  const peer = peerRegion(mirror, volume);
  if (world.isRegionDown(peer)) {
    if (world.switches.stopWithPeerDown === 'fails') throw peerUnreachable(peer);
    if (world.switches.stopWithPeerDown === 'hangs') throw new HoldRequest();
  }
  beginStop(world, mirror);
}

export function startMirror(mirror: SimMirror, world: SimWorld, volume: SimVolume): void {
  requireSettled(mirror, 'start replication');
  if (mirror.replication !== 'HALT') {
    throw badRequest(`Replication of volume mirror ${mirror.id} is ${mirror.replication}; only halted replication can be started`);
  }
  requirePeerReachable(world, mirror, volume);
  beginStart(world, mirror);
}

export function invertMirror(mirror: SimMirror, world: SimWorld, volume: SimVolume): void {
  requireSettled(mirror, 'change the replication direction');
  requirePeerReachable(world, mirror, volume);
  beginInvert(world, mirror);
}

export function deleteMirror(mirror: SimMirror, world: SimWorld): void {
  if (mirror.objectStatus === 'DELETING') {
    throw badRequest(`Volume mirror ${mirror.id} is already being deleted`);
  }
  beginDelete(world, mirror);
}

/** Test/demo faults on one mirror; see MirrorFault in contract.ts. */
export function applyMirrorFault(
  world: SimWorld,
  mirrorId: string,
  fault: { halt?: boolean; retrieveFailed?: boolean; transferFails?: boolean },
): SimMirror {
  const mirror = world.mirrors.get(mirrorId);
  if (!mirror) throw notFound(`Volume mirror ${mirrorId} not found`);
  if (fault.retrieveFailed !== undefined) mirror.retrieveFailed = fault.retrieveFailed;
  if (fault.transferFails !== undefined) mirror.transferFails = fault.transferFails;
  if (fault.halt === true && !mirror.haltedByFault) {
    if (mirror.replication !== 'ACTIVE') {
      throw badRequest(`mirror fault: replication of ${mirrorId} is ${mirror.replication}; only ACTIVE replication can halt`);
    }
    haltByFault(world, mirror);
  }
  if (fault.halt === false) healHaltFault(world, mirror);
  return mirror;
}

// Deterministic data growth and the `/usage` figures. User data grows linearly with
// simulated time while the volume is writable and is capped by the space left beside the
// snapshot reserve; snapshots hold the data changed between them.

const DAY_MS = 86_400_000;
export const GIB = 1024 ** 3;

/** User data of a volume: `gb` at instant `at`, growing by `growthGbPerDay` while `growing`. */
export interface DataState {
  gb: number;
  at: number;
  growthGbPerDay: number;
  growing: boolean;
}

export interface UsageInputs {
  sizeGb: number;
  reservePercent: number;
  data: DataState;
  snapshotSizes: number[];
}

export function snapshotReserveGb(sizeGb: number, reservePercent: number): number {
  return Math.floor((sizeGb * reservePercent) / 100);
}

/** Data capacity: what is left of the volume beside the snapshot reserve. */
export function dataCapGb(sizeGb: number, reservePercent: number): number {
  return sizeGb - snapshotReserveGb(sizeGb, reservePercent);
}

export function dataGbAt(data: DataState, capGb: number, t: number): number {
  const grown = data.growing ? data.gb + (data.growthGbPerDay * Math.max(0, t - data.at)) / DAY_MS : data.gb;
  return Math.min(capGb, grown);
}

/** The same growth curve re-based at `t` (call before changing size, reserve or `growing`). */
export function checkpoint(data: DataState, capGb: number, t: number): DataState {
  return { ...data, gb: dataGbAt(data, capGb, t), at: t };
}

export interface UsageFigures {
  snapshotReserveGb: number;
  snapshotUsedGb: number;
  snapshotUsedGbInReservedSpace: number;
  snapshotUsedGbInUserSpace: number;
  usedGb: number;
  userDataGb: number;
}

export function usageAt(input: UsageInputs, t: number): UsageFigures {
  const reserve = snapshotReserveGb(input.sizeGb, input.reservePercent);
  const userDataGb = Math.floor(dataGbAt(input.data, dataCapGb(input.sizeGb, input.reservePercent), t));
  const snapshotUsedGb = Math.floor(input.snapshotSizes.reduce((sum, s) => sum + s, 0) / GIB);
  const inReserve = Math.min(snapshotUsedGb, reserve);
  const inUserSpace = snapshotUsedGb - inReserve;
  return {
    snapshotReserveGb: reserve,
    snapshotUsedGb,
    snapshotUsedGbInReservedSpace: inReserve,
    snapshotUsedGbInUserSpace: inUserSpace,
    usedGb: Math.min(input.sizeGb, userDataGb + inUserSpace),
    userDataGb,
  };
}

/** Bytes a snapshot (or a replication transfer) holds for data that went from `fromGb` to `toGb`. */
export function changedBytes(fromGb: number, toGb: number): number {
  // A few KiB of metadata even when nothing changed, as real snapshots show.
  return Math.round(Math.abs(toGb - fromGb) * GIB) + 4096;
}

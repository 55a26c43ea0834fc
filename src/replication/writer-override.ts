// Who takes writes when the API's `direction` does not say it: after a failover run stopped
// replication (HALT, direction still FORWARD) the replica is the writer. nasorch's own failover
// record knows that; the failover code supplies this function, the job runner asks it per pair.

/** The volume that takes writes now, as recorded outside the API. */
export interface RecordedWriter {
  volumeId: string;
  /** Why (shown in run details), e.g. "failover run 3f2c…". */
  reason?: string;
}

/** `pairKey` as from src/replication/pair.ts `pairKey` (`<srcVolumeId>><dstVolumeId>`). */
export type WriterOverride = (pairKey: string) => Promise<RecordedWriter | undefined> | RecordedWriter | undefined;

/** The default: nothing recorded, the API's `direction` decides. */
export const noWriterOverride: WriterOverride = () => undefined;

// The slot ledger in PostgreSQL (model SnapshotSlot): a snapshot job writes its slot `pending`
// BEFORE the create call and completes it after, so a later attempt of the same slot (after
// kill -9, a lost reply, a retry that lands after the next prune) knows an earlier one may
// have created it. The decision is slot-decision.ts.
import type { PrismaClient, SnapshotSlot } from '../db/prisma.ts';
import { Prisma } from '../db/prisma.ts';
import type { SlotState } from './slot-decision.ts';

export interface SlotKey {
  policy: string;
  volumeId: string;
  slot: Date;
}

export type SlotRow = SnapshotSlot;

export class SlotLedger {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Claims the slot for this attempt: inserts it `pending`, or counts one more attempt on a
   * pending row. Returns the row as it was before (undefined on the slot's first attempt).
   */
  async begin(key: SlotKey, attempt: { snapshotName: string; runId: string }): Promise<SlotRow | undefined> {
    const where = { policy_volumeId_slot: key };
    for (;;) {
      const previous = await this.prisma.snapshotSlot.findUnique({ where });
      if (previous) {
        if (previous.state === 'pending') {
          await this.prisma.snapshotSlot.updateMany({
            where: { ...key, state: 'pending' },
            data: { attempts: { increment: 1 }, runId: attempt.runId },
          });
        }
        return previous;
      }
      try {
        await this.prisma.snapshotSlot.create({ data: { ...key, snapshotName: attempt.snapshotName, state: 'pending', runId: attempt.runId } });
        return undefined;
      } catch (err) {
        // Another attempt inserted it first: read its row.
        if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002')) throw err;
      }
    }
  }

  /** Just before the create call: from now on the slot's snapshot may exist. */
  async markRequested(key: SlotKey): Promise<void> {
    await this.prisma.snapshotSlot.updateMany({ where: { ...key, state: 'pending' }, data: { requestedAt: this.now() } });
  }

  /**
   * Forgets completed slots older than `before`. Harmless for a very late attempt of such a
   * slot: its first-attempt decision skips it anyway while a later snapshot of the policy exists.
   */
  async forgetCompletedBefore(policy: string, volumeId: string, before: Date): Promise<number> {
    const { count } = await this.prisma.snapshotSlot.deleteMany({ where: { policy, volumeId, slot: { lt: before }, state: { not: 'pending' } } });
    return count;
  }

  /** Records the slot's outcome; a row that is already complete keeps its first outcome. */
  async complete(key: SlotKey, outcome: { state: Exclude<SlotState, 'pending'>; reason?: string; snapshotId?: string; runId: string }): Promise<void> {
    await this.prisma.snapshotSlot.updateMany({
      where: { ...key, state: 'pending' },
      data: {
        state: outcome.state,
        reason: outcome.reason ?? null,
        snapshotId: outcome.snapshotId ?? null,
        runId: outcome.runId,
        completedAt: this.now(),
      },
    });
  }

  async find(key: SlotKey): Promise<SlotRow | null> {
    return this.prisma.snapshotSlot.findUnique({ where: { policy_volumeId_slot: key } });
  }
}

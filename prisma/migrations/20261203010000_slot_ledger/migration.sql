-- CreateEnum
CREATE TYPE "SnapshotSlotState" AS ENUM ('pending', 'created', 'existing', 'skipped');

-- CreateTable
CREATE TABLE "snapshot_slots" (
    "id" BIGSERIAL NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "slot" TIMESTAMPTZ(3) NOT NULL,
    "snapshot_name" TEXT NOT NULL,
    "state" "SnapshotSlotState" NOT NULL,
    "reason" TEXT,
    "snapshot_id" TEXT,
    "requested_at" TIMESTAMPTZ(3),
    "run_id" UUID,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "snapshot_slots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "snapshot_slots_policy_volume_id_slot_key" ON "snapshot_slots"("policy", "volume_id", "slot");

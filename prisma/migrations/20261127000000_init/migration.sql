-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('snapshot', 'prune', 'usage', 'mirror_start', 'mirror_stop', 'mirror_stat');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('schedule', 'manual');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('running', 'succeeded', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('warning', 'critical');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('open', 'resolved');

-- CreateEnum
CREATE TYPE "SnapshotAction" AS ENUM ('created', 'deleted');

-- CreateTable
CREATE TABLE "job_runs" (
    "id" UUID NOT NULL,
    "run_key" TEXT NOT NULL,
    "kind" "JobKind" NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "volume_name" TEXT,
    "region" TEXT NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "status" "RunStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "details" JSONB,
    "worker" TEXT,

    CONSTRAINT "job_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "message" TEXT NOT NULL,
    "policy" TEXT,
    "volume_id" TEXT,
    "count" INTEGER NOT NULL DEFAULT 1,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "details" JSONB,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_samples" (
    "id" BIGSERIAL NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "size_gb" INTEGER NOT NULL,
    "used_gb" INTEGER NOT NULL,
    "snapshot_reserve_gb" INTEGER NOT NULL,
    "snapshot_used_gb" INTEGER,
    "user_data_gb" INTEGER,
    "used_percent" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "usage_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mirror_stat_samples" (
    "id" BIGSERIAL NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "mirror_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "sampled_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "last_transfer_status" TEXT,
    "last_transfer_end_time" TIMESTAMPTZ(3),
    "last_transfer_bytes" BIGINT,
    "last_success_transfer_end_time" TIMESTAMPTZ(3),
    "last_success_transfer_bytes" BIGINT,

    CONSTRAINT "mirror_stat_samples_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshot_records" (
    "id" BIGSERIAL NOT NULL,
    "action" "SnapshotAction" NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "snapshot_id" TEXT NOT NULL,
    "snapshot_name" TEXT NOT NULL,
    "snapshot_created_at" TIMESTAMPTZ(3),
    "reasons" TEXT[],
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "run_id" UUID,

    CONSTRAINT "snapshot_records_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "job_runs_run_key_key" ON "job_runs"("run_key");

-- CreateIndex
CREATE INDEX "job_runs_policy_volume_id_started_at_idx" ON "job_runs"("policy", "volume_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "job_runs_started_at_idx" ON "job_runs"("started_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "alerts_key_key" ON "alerts"("key");

-- CreateIndex
CREATE INDEX "alerts_status_last_seen_at_idx" ON "alerts"("status", "last_seen_at" DESC);

-- CreateIndex
CREATE INDEX "usage_samples_volume_id_sampled_at_idx" ON "usage_samples"("volume_id", "sampled_at" DESC);

-- CreateIndex
CREATE INDEX "mirror_stat_samples_mirror_id_sampled_at_idx" ON "mirror_stat_samples"("mirror_id", "sampled_at" DESC);

-- CreateIndex
CREATE INDEX "snapshot_records_volume_id_at_idx" ON "snapshot_records"("volume_id", "at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "snapshot_records_action_volume_id_snapshot_id_key" ON "snapshot_records"("action", "volume_id", "snapshot_id");

-- AddForeignKey
ALTER TABLE "snapshot_records" ADD CONSTRAINT "snapshot_records_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "job_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

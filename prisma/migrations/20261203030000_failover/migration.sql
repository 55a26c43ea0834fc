-- Failover runbooks (issue #7): groups with an epoch, runs with their steps, an append-only
-- event log, the pair record other code reads (who writes now), and region probe evidence.

-- CreateTable
CREATE TABLE "failover_groups" (
    "name" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "failover_groups_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "failover_runs" (
    "id" UUID NOT NULL,
    "group_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "active_group" TEXT,
    "plan" JSONB NOT NULL,
    "plan_hash" TEXT NOT NULL,
    "confirm" TEXT[],
    "reason" TEXT,
    "trigger" TEXT NOT NULL,
    "options" JSONB,
    "idempotency_key" TEXT,
    "alert_group_key" TEXT,
    "epoch" INTEGER NOT NULL,
    "current_step" INTEGER,
    "rpo_seconds" INTEGER,
    "rto_seconds" INTEGER,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "failover_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "failover_runs_state_check" CHECK ("state" IN ('awaiting_approval', 'running', 'succeeded', 'failed', 'aborted', 'waiting_for_user')),
    CONSTRAINT "failover_runs_kind_check" CHECK ("kind" IN ('planned', 'switchover', 'emergency', 'failback', 'drill')),
    CONSTRAINT "failover_runs_trigger_check" CHECK ("trigger" IN ('cli', 'http', 'alertmanager', 'local')),
    -- One active run per group: active_group is set exactly while the run is active, and unique.
    CONSTRAINT "failover_runs_active_group_check" CHECK (
        ("state" IN ('awaiting_approval', 'running', 'waiting_for_user')) = ("active_group" IS NOT NULL AND "active_group" = "group_name")
    )
);

-- CreateTable
CREATE TABLE "failover_steps" (
    "run_id" UUID NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "pair_key" TEXT,
    "state" TEXT NOT NULL,
    "execution" INTEGER NOT NULL DEFAULT 0,
    "intent" JSONB,
    "observation" JSONB,
    "detail" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "failover_steps_pkey" PRIMARY KEY ("run_id","ordinal"),
    CONSTRAINT "failover_steps_state_check" CHECK ("state" IN ('pending', 'running', 'succeeded', 'failed', 'skipped'))
);

-- CreateTable
CREATE TABLE "failover_events" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "data" JSONB,

    CONSTRAINT "failover_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "failover_pairs" (
    "pair_key" TEXT NOT NULL,
    "group_name" TEXT NOT NULL,
    "original_volume_id" TEXT NOT NULL,
    "original_name" TEXT NOT NULL,
    "original_region" TEXT NOT NULL,
    "replica_volume_id" TEXT NOT NULL,
    "replica_name" TEXT NOT NULL,
    "replica_region" TEXT NOT NULL,
    "mirror_id" TEXT NOT NULL,
    "writer_volume_id" TEXT NOT NULL,
    "writer_region" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "old_source_fenced" BOOLEAN NOT NULL DEFAULT true,
    "old_source_volume_id" TEXT,
    "old_source_region" TEXT,
    "fenced_acl" TEXT[],
    "run_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "failover_pairs_pkey" PRIMARY KEY ("pair_key")
);

-- CreateTable
CREATE TABLE "failover_region_probes" (
    "id" BIGSERIAL NOT NULL,
    "region" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ok" BOOLEAN NOT NULL,
    "detail" TEXT,

    CONSTRAINT "failover_region_probes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "failover_runs_active_group_key" ON "failover_runs"("active_group");
CREATE UNIQUE INDEX "failover_runs_idempotency_key_key" ON "failover_runs"("idempotency_key");
CREATE UNIQUE INDEX "failover_runs_alert_group_key_key" ON "failover_runs"("alert_group_key");
CREATE INDEX "failover_runs_group_name_created_at_idx" ON "failover_runs"("group_name", "created_at" DESC);
CREATE INDEX "failover_events_run_id_id_idx" ON "failover_events"("run_id", "id");
CREATE INDEX "failover_region_probes_region_at_idx" ON "failover_region_probes"("region", "at" DESC);

-- AddForeignKey
ALTER TABLE "failover_steps" ADD CONSTRAINT "failover_steps_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "failover_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "failover_events" ADD CONSTRAINT "failover_events_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "failover_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit trail is append-only.
CREATE FUNCTION "failover_events_append_only"() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'failover_events is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "failover_events_no_change" BEFORE UPDATE OR DELETE ON "failover_events"
    FOR EACH ROW EXECUTE FUNCTION "failover_events_append_only"();

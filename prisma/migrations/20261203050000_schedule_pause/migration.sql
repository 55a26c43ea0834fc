-- Schedule pauses set by `nasorch pause`: one row per (policy, volume), "*" = every volume of
-- the policy. Every daemon reads them before running a scheduled slot.

-- CreateTable
CREATE TABLE "schedule_pauses" (
    "id" UUID NOT NULL,
    "policy" TEXT NOT NULL,
    "volume_id" TEXT NOT NULL,
    "until" TIMESTAMPTZ(3),
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT,

    CONSTRAINT "schedule_pauses_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "schedule_pauses_policy_volume_id_key" ON "schedule_pauses"("policy", "volume_id");

-- Alert notifications: acknowledgements and the volume name on alerts, an outbox of alert
-- events written in the same transaction as the alert change, and one delivery row per
-- (event, sink) that daemons claim, send, retry with back-off and mark delivered or failed.

-- CreateEnum
CREATE TYPE "AlertEventKind" AS ENUM ('open', 'repeat', 'resolved');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('pending', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN "volume_name" TEXT,
ADD COLUMN "acked_at" TIMESTAMPTZ(3),
ADD COLUMN "acked_until" TIMESTAMPTZ(3),
ADD COLUMN "ack_reason" TEXT;

-- CreateTable
CREATE TABLE "alert_events" (
    "id" BIGSERIAL NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "alert_key" TEXT NOT NULL,
    "kind" "AlertEventKind" NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "routed_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" BIGSERIAL NOT NULL,
    "dedup_key" TEXT NOT NULL,
    "event_id" BIGINT,
    "sink" TEXT NOT NULL,
    "alert_key" TEXT NOT NULL,
    "kind" "AlertEventKind" NOT NULL,
    "body" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_events_dedup_key_key" ON "alert_events"("dedup_key");

-- CreateIndex
CREATE INDEX "alert_events_routed_at_id_idx" ON "alert_events"("routed_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_deliveries_dedup_key_key" ON "alert_deliveries"("dedup_key");

-- CreateIndex
CREATE INDEX "alert_deliveries_sink_status_next_attempt_at_idx" ON "alert_deliveries"("sink", "status", "next_attempt_at");

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "alert_events"("id") ON DELETE SET NULL ON UPDATE CASCADE;

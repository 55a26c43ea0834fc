-- Indexes for the cluster facts read at each /metrics scrape and status page load: the newest run
-- and the newest success of one (policy, volume, kind), and the newest replication sample of one
-- volume, each found by one index probe, however long the history (a volume whose job always fails
-- would otherwise walk all its runs to find no success).

-- CreateIndex
CREATE INDEX "job_runs_policy_volume_id_kind_started_at_idx" ON "job_runs"("policy", "volume_id", "kind", "started_at" DESC);

-- CreateIndex
CREATE INDEX "job_runs_policy_volume_id_kind_status_started_at_idx" ON "job_runs"("policy", "volume_id", "kind", "status", "started_at" DESC);

-- CreateIndex
CREATE INDEX "mirror_stat_samples_volume_id_sampled_at_idx" ON "mirror_stat_samples"("volume_id", "sampled_at" DESC);

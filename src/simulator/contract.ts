// The simulator's public surface, shared by tests, the CLI and the demo. The implementation
// lives beside this file; this module only names what callers may rely on.

export const SIM_REGIONS = ['KR1', 'KR2'] as const;

export interface SimulatorCredentials {
  tenantId: string;
  username: string;
  password: string;
}

/** Per-route fault. `route` is "METHOD /v1/path/with/:params" or "POST /v2.0/tokens"; "*" matches any. */
export interface FaultRule {
  route: string;
  /** Only in this region (KR1, KR2); all when absent. Ignored for identity. */
  region?: string;
  /** 0..1 probability a matching request fails with `status`. Default 1 when status is set. */
  errorRate?: number;
  status?: number;
  /** Extra latency before answering, ms. */
  latencyMs?: number;
  /** Never answer (until the client gives up / the socket closes). */
  hang?: boolean;
  /** Apply to at most this many matching requests, then expire. */
  times?: number;
}

export interface SimulatorFaults {
  rules: FaultRule[];
}

/**
 * Faults of one volume mirror (also `fault` of a mirror in the state file, and
 * POST /_admin/mirrors/:mirrorId/fault). Each flag stays until set to false; absent = unchanged.
 */
export interface MirrorFault {
  /**
   * true: replication breaks off by itself (`/stat` HALT, lastTransferStatus FAILED, no final sync,
   * the destination stays read-only). false: heals it (ACTIVE again with a transfer); a `start` also resumes.
   */
  halt?: boolean;
  /** `/stat` answers status "RETRIEVE FAILED" with null figures while set; replication itself goes on. */
  retrieveFailed?: boolean;
  /** Every replication run fails (lastTransferStatus FAILED) while set. */
  transferFails?: boolean;
}

export interface SimulatorStartOptions {
  port?: number; // 0 = ephemeral (default)
  host?: string; // default 127.0.0.1
  /** Path of a state file (JSON or YAML) or an in-memory state object; default: built-in demo state. */
  state?: string | Record<string, unknown>;
  /** Path of a faults file or an object. */
  faults?: string | SimulatorFaults;
  /**
   * 'real': the clock follows wall time (plus any advance); 'manual': it only moves when advanced.
   * Default 'real' for the CLI, tests choose.
   */
  clock?: 'real' | 'manual';
  /** Seed for fault randomness, so error rates are reproducible. */
  seed?: number;
  /** Simulated start instant; default: now. */
  startTime?: Date | string;
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** Value for NHN_IDENTITY_URL (same server). */
  identityUrl: string;
  credentials: SimulatorCredentials;
  now(): Date;
  /** Move simulated time forward; runs every time-driven behaviour due in between. */
  advance(ms: number): Promise<void>;
  setFaults(faults: SimulatorFaults): void;
  /** Puts a volume mirror into a fault state (see MirrorFault). */
  setMirrorFault(mirrorId: string, fault: MirrorFault): void;
  revokeTokens(): void;
  /** Every request answered so far (oldest first). */
  requests(): SimRequestRecord[];
  close(): Promise<void>;
}

/** One request the simulator answered, for tests that count calls. */
export interface SimRequestRecord {
  method: string;
  /** Route pattern, e.g. "POST /v1/volumes/:volumeId/snapshots" or "POST /v2.0/tokens". */
  route: string;
  /** Concrete path without the region prefix. */
  path: string;
  region?: string;
  status: number;
  at: Date;
}

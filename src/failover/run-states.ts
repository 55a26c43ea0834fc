// The states of a failover run; the active ones hold the group (one active run per group).
export const ACTIVE_RUN_STATES = ['awaiting_approval', 'running', 'waiting_for_user'] as const;
export const RUN_STATES = [...ACTIVE_RUN_STATES, 'succeeded', 'failed', 'aborted'] as const;

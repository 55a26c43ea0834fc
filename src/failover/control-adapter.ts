// The control API's view of the failover service (src/control-api/routes.ts `FailoverControl`):
// the routes stay thin, FailoverService decides.
import type { ControlRefusal, FailoverControl } from '../control-api/routes.ts';
import { FailoverRefusal, type FailoverService } from './service.ts';

export function failoverControl(service: () => FailoverService): FailoverControl {
  return {
    async start(input) {
      const s = service();
      const earlier = input.idempotencyKey ? await s.byIdempotencyKey(input.idempotencyKey) : input.alertGroupKey ? await s.byAlertGroupKey(input.alertGroupKey) : null;
      if (earlier) return { run: { ...earlier }, created: false };
      return { run: { ...(await s.start(input)) }, created: true };
    },
    async get(runId) {
      const s = service();
      try {
        return { ...(await s.runStatus(runId)), events: await s.events(runId) };
      } catch (err) {
        if (err instanceof FailoverRefusal && err.code === 'not-found') return undefined;
        throw err;
      }
    },
    approve: async (runId, input) => ({ ...(await service().approve(runId, input)) }),
    abort: async (runId, reason) => ({ ...(await service().abort(runId, reason ?? 'aborted through the control API')) }),
  };
}

export function asControlRefusal(err: unknown): ControlRefusal | undefined {
  return err instanceof FailoverRefusal ? { code: err.code, message: err.message } : undefined;
}

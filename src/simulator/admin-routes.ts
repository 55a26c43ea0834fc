// /_admin/…: drives a separately running simulator (`nasorch simulator`) the way tests drive
// an in-process one: clock, faults, token revocation, mirror faults and the request log.
// Plain JSON (no NAS envelope); never faulted, never logged, no auth (listen on loopback).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { MirrorFault, SimRequestRecord, SimulatorFaults } from './contract.ts';
import { SimulatorConfigError } from './data-file.ts';
import { NasError } from './envelope.ts';
import type { ModelAdmin } from './model-admin.ts';
import { registerModelAdminRoutes } from './model-admin-routes.ts';
import { checkWith } from './validation.ts';

export const ADMIN_PREFIX = '/_admin';

export interface AdminActions {
  now(): Date;
  advance(ms: number): void;
  faults(): SimulatorFaults;
  /** Validates and replaces the fault rules. */
  setFaults(value: unknown): void;
  revokeTokens(): void;
  requests(): SimRequestRecord[];
  /** How many requests faults are holding (latency or hang) right now. */
  heldRequests(): number;
  setMirrorFault(mirrorId: string, fault: MirrorFault): void;
  /** Client writes, volume data, switches and timing (model-admin-routes.ts). */
  model: ModelAdmin;
}

const AdvanceBody = z.strictObject({ ms: z.number().min(0) });
const MirrorFaultBody = z.strictObject({
  halt: z.boolean().optional(),
  retrieveFailed: z.boolean().optional(),
  transferFails: z.boolean().optional(),
});

function fail(reply: FastifyReply, err: unknown) {
  if (err instanceof NasError) return reply.code(err.status).send({ error: err.message });
  if (err instanceof SimulatorConfigError) return reply.code(400).send({ error: err.message });
  throw err;
}

export function registerAdminRoutes(app: FastifyInstance, actions: AdminActions): void {
  const config = { kind: 'admin' };
  app.get(`${ADMIN_PREFIX}/clock`, { config }, async () => ({ now: actions.now().toISOString() }));
  app.post(`${ADMIN_PREFIX}/clock/advance`, { config }, async (request, reply) => {
    const body = checkWith(AdvanceBody, request.body, 'body');
    if (!body.ok) return reply.code(400).send({ error: body.message });
    actions.advance(body.value.ms);
    return { now: actions.now().toISOString() };
  });
  app.get(`${ADMIN_PREFIX}/faults`, { config }, async () => actions.faults());
  app.post(`${ADMIN_PREFIX}/faults`, { config }, async (request, reply) => {
    try {
      actions.setFaults(request.body);
      return actions.faults();
    } catch (err) {
      return fail(reply, err);
    }
  });
  app.delete(`${ADMIN_PREFIX}/faults`, { config }, async () => {
    actions.setFaults({ rules: [] });
    return actions.faults();
  });
  app.post(`${ADMIN_PREFIX}/tokens/revoke`, { config }, async () => {
    actions.revokeTokens();
    return { revoked: true };
  });
  app.get(`${ADMIN_PREFIX}/requests`, { config }, async () => ({
    requests: actions.requests().map((r) => ({ ...r, at: r.at.toISOString() })),
  }));
  app.get(`${ADMIN_PREFIX}/held`, { config }, async () => ({ held: actions.heldRequests() }));
  app.post<{ Params: { mirrorId: string } }>(`${ADMIN_PREFIX}/mirrors/:mirrorId/fault`, { config }, async (request, reply) => {
    const body = checkWith(MirrorFaultBody, request.body, 'body');
    if (!body.ok) return reply.code(400).send({ error: body.message });
    try {
      actions.setMirrorFault(request.params.mirrorId, body.value);
      return { mirrorId: request.params.mirrorId, ...body.value };
    } catch (err) {
      return fail(reply, err);
    }
  });
  registerModelAdminRoutes(app, ADMIN_PREFIX, actions.model);
}

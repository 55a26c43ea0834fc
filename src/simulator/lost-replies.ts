// "Applied, but the reply is lost": the request reaches its handler and takes effect, then the
// client gets a reset connection (`reset`), no answer at all (`hang`, held like a hang fault)
// or a gateway status such as 503 instead of the real reply. Latency and hang faults hold a
// request BEFORE its handler, so they never apply it; this is the case that does.
// Set per fault rule (`loseReply`), so faults files, setFaults() and POST /_admin/faults all
// take it. The request log records what the handler answered, with `replyLost` saying what
// the client got instead.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LostReply, SimRequestRecord } from './contract.ts';
import type { HeldRequests } from './held-requests.ts';

export const LostReplySchema = z.union([z.enum(['reset', 'hang']), z.number().int().min(500).max(599)], {
  error: 'must be "reset", "hang" or a status 500..599',
});

/** Requests whose reply is to be lost, marked when the fault fires (before the handler). */
const marked = new WeakMap<FastifyRequest, LostReply>();

export function markReplyLost(request: FastifyRequest, how: LostReply): void {
  marked.set(request, how);
}

/** How this request's reply is to be lost; undefined when not marked or already lost. */
export function replyLostFor(request: FastifyRequest): LostReply | undefined {
  return lost.has(request) ? undefined : marked.get(request);
}

/** Requests whose reply was lost (the request log already has their record). */
const lost = new WeakSet<FastifyRequest>();

export function wasReplyLost(request: FastifyRequest): boolean {
  return lost.has(request);
}

export interface LoseReplyDeps {
  held: HeldRequests;
  /** Adds the request-log record (the applied status, and how the reply was lost). */
  record(extra: Pick<SimRequestRecord, 'status' | 'replyLost'>): void;
  /** Sends a NAS error envelope with this status (the "gateway" answer). */
  sendStatus(status: number): FastifyReply | Promise<FastifyReply>;
}

/**
 * Called after the handler produced `appliedStatus` (its work is done): loses the reply the
 * way the rule says. The caller returns what this returns from the fastify handler.
 */
export function loseReply(request: FastifyRequest, reply: FastifyReply, how: LostReply, appliedStatus: number, deps: LoseReplyDeps) {
  lost.add(request);
  deps.record({ status: appliedStatus, replyLost: how });
  if (typeof how === 'number') return deps.sendStatus(how);
  reply.hijack();
  const socket = request.raw.socket;
  if (how === 'reset') socket.resetAndDestroy();
  else deps.held.hang(socket);
  return reply;
}

// How the NAS routes are declared: plain handlers over the simulated world that return a
// status and the body beside the envelope header (or throw NasError). server.ts mounts
// each one under every region prefix and adds auth, faults and 405s around it.
import type { HTTPMethods } from 'fastify';
import type { Query } from './listing.ts';
import type { Region, SimWorld } from './model.ts';

export interface NasContext {
  world: SimWorld;
  region: Region;
  params: Record<string, string>;
  query: Query;
  body: unknown;
  /** The caller's address (restore history records it). */
  ip: string;
}

export interface NasReply {
  status: number;
  body?: Record<string, unknown>;
}

export interface NasRoute {
  method: HTTPMethods;
  /** Path below the region prefix, e.g. "/v1/volumes/:volumeId". */
  url: string;
  handler: (ctx: NasContext) => NasReply;
}

export const ok = (body?: Record<string, unknown>): NasReply => ({ status: 200, ...(body ? { body } : {}) });
export const created = (body: Record<string, unknown>): NasReply => ({ status: 201, body });
export const accepted = (): NasReply => ({ status: 202 });

export function param(ctx: NasContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route is missing parameter ${name}`);
  return value;
}

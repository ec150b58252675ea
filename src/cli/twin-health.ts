/**
 * What GET /healthz says about a running bot: 'degraded' while usage records wait for the database (answers go
 * on, but cost and quotas are at risk), and 503 once so many wait that a balancer should send requests elsewhere.
 */
import type { HealthState } from '../core/ports.js';

/** Records waiting for the ledger at which /healthz turns 503. why: a few failed writes are a blip the retry
 * absorbs; a hundred mean the database has been gone for a while and this replica should be drained. */
export const UNHEALTHY_PENDING_RECORDS = 100;

export interface TwinHealthInput {
  stopping: () => boolean;
  twin: { readonly inFlightCount: number; readonly online: boolean };
  usage: { readonly pendingWrites: number; readonly droppedWrites: number };
  /** With several replicas: this replica's part (Discord leader or standby, Groq budgets shared or its share). */
  replica?: () => Record<string, unknown>;
  unhealthyPending?: number;
}

export function twinHealth(input: TwinHealthInput): HealthState {
  const limit = input.unhealthyPending ?? UNHEALTHY_PENDING_RECORDS;
  return {
    status: () => (input.stopping() ? 'stopping' : input.usage.pendingWrites > 0 ? 'degraded' : 'ok'),
    serving: () => !input.stopping() && input.usage.pendingWrites < limit,
    details: () => ({
      inFlight: input.twin.inFlightCount,
      online: input.twin.online,
      usageRecordsWaiting: input.usage.pendingWrites,
      usageRecordsDropped: input.usage.droppedWrites,
      ...(input.replica ? { replica: input.replica() } : {}),
    }),
  };
}

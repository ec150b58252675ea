/** The twin's gauges that Prometheus reads at scrape time: Groq budgets, breakers, calls in flight, the ledger buffer. */
import { Gauge, type Registry } from 'prom-client';

/** What the gateway reports per model (LlmGateway.gauges()), read at scrape time. */
export interface GatewayGaugeSource {
  gauges(): {
    inFlight: number;
    queued: number;
    models: Record<
      string,
      {
        limits: { rpm: number; rpd: number; tpm: number; tpd: number };
        remaining: { rpm: number; rpd: number; tpm: number; tpd: number };
        breaker: string;
      }
    >;
  };
}

export interface GaugeSources {
  gateway?: GatewayGaugeSource;
  /** Ledger records waiting for a retry (the usage store's counter). */
  ledger?: { readonly pendingWrites: number };
}

const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/** Gauges read when Prometheus scrapes: the budgets, breakers, queue and ledger buffer now. */
export function registerGatewayGauges(registry: Registry, options: GaugeSources): void {
  const registers = [registry];
  const { gateway, ledger } = options;
  new Gauge({
    name: 'twin_groq_budget_remaining',
    help: "What is left of the account's Groq budget per model and limit (rpm, tpm, rpd, tpd), as the gateway tracks it",
    labelNames: ['model', 'limit'],
    registers,
    collect() {
      this.reset();
      for (const [model, g] of Object.entries(gateway?.gauges().models ?? {})) {
        for (const limit of ['rpm', 'tpm', 'rpd', 'tpd'] as const) {
          this.set({ model, limit }, Math.max(0, Math.floor(g.remaining[limit])));
        }
      }
    },
  });
  new Gauge({
    name: 'twin_groq_budget_limit',
    help: "The account's Groq limit in force per model and limit (rpm, tpm, rpd, tpd)",
    labelNames: ['model', 'limit'],
    registers,
    collect() {
      this.reset();
      for (const [model, g] of Object.entries(gateway?.gauges().models ?? {})) {
        for (const limit of ['rpm', 'tpm', 'rpd', 'tpd'] as const) this.set({ model, limit }, g.limits[limit]);
      }
    },
  });
  new Gauge({
    name: 'twin_circuit_breaker_state',
    help: 'Circuit breaker per model: 1 on the state it is in (closed, half-open, open), 0 on the others',
    labelNames: ['model', 'state'],
    registers,
    collect() {
      this.reset();
      for (const [model, g] of Object.entries(gateway?.gauges().models ?? {})) {
        for (const state of BREAKER_STATES) this.set({ model, state }, g.breaker === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'twin_llm_calls',
    help: 'Groq calls now: in flight, and waiting in the fair queue',
    labelNames: ['state'],
    registers,
    collect() {
      const g = gateway?.gauges();
      this.set({ state: 'in_flight' }, g?.inFlight ?? 0);
      this.set({ state: 'queued' }, g?.queued ?? 0);
    },
  });
  new Gauge({
    name: 'twin_ledger_records_waiting',
    help: 'Ledger records kept in memory for a retry after a failed write (0 when the database is fine)',
    registers,
    collect() {
      this.set(ledger?.pendingWrites ?? 0);
    },
  });
}

/**
 * The twin's Prometheus metrics (issue 14), fed by the log's events (core/log-tap.ts) and, at scrape time, by the
 * gateway's gauges. OpenTelemetry GenAI names where they exist (gen_ai.client.token.usage with gen_ai.token.type,
 * gen_ai.client.operation.duration, time to first chunk), written the way OpenTelemetry's Prometheus exporter
 * writes them (dots to underscores, the unit as a suffix); the rest are the twin's own, under `twin_`.
 * Every label takes values from a bounded set: tenants only when named in TWIN_METRICS_TENANTS, else "other".
 */
import { Counter, Histogram, Registry } from 'prom-client';
import type { LogEvent, LogEvents } from '../../core/log-tap.js';
import { type GatewayGaugeSource, registerGatewayGauges } from './twin-metrics-gauges.js';

export type { GatewayGaugeSource };

export interface TwinMetricsOptions {
  events: LogEvents;
  /** The preferred model; an answer from any other is a fallback. */
  primaryModel?: string;
  gateway?: GatewayGaugeSource;
  /** Ledger records waiting for a retry and dropped (the usage store's counters). */
  ledger?: { readonly pendingWrites: number; readonly droppedWrites: number };
  /** Tenants that get their own label value; every other tenant is counted under "other". */
  tenants?: readonly string[];
}

/** Log events that are a Slack or Discord API call failing, by platform. */
export const PLATFORM_API_ERRORS: Record<string, 'slack' | 'discord'> = {
  'slack.write_failed': 'slack',
  'slack.bolt_error': 'slack',
  'slack.history_failed': 'slack',
  'slack.users_info_failed': 'slack',
  'slack.chart_not_sent': 'slack',
  'slack.cannot_post': 'slack',
  'discord.client_error': 'discord',
  'discord.rate_limited': 'discord',
  'discord.defer_failed': 'discord',
  'discord.chart_not_sent': 'discord',
  'discord.handler_failed': 'discord',
};

const SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];
// why: the OpenTelemetry GenAI convention's advised buckets for gen_ai.client.token.usage.
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];

const str = (v: unknown, fallback = 'none') => (typeof v === 'string' && v !== '' ? v : fallback);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export class TwinMetrics {
  readonly registry = new Registry();
  readonly #tenants: ReadonlySet<string>;
  readonly #unsubscribe: () => void;
  readonly #primary?: string;

  readonly #tokenUsage: Histogram;
  readonly #duration: Histogram;
  readonly #firstChunk: Histogram;
  readonly #requests: Counter;
  readonly #requestTokens: Counter;
  readonly #requestCost: Counter;
  readonly #requestLatency: Histogram;
  readonly #queueWait: Histogram;
  readonly #attempts: Counter;
  readonly #rateLimited: Counter;
  readonly #fallbacks: Counter;
  readonly #ledgerRetries: Counter;
  readonly #platformErrors: Counter;
  readonly #alerts: Counter;

  constructor(options: TwinMetricsOptions) {
    this.#tenants = new Set(options.tenants ?? []);
    this.#primary = options.primaryModel;
    const registers = [this.registry];
    this.#tokenUsage = new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens used per Groq call (OpenTelemetry gen_ai.client.token.usage), by gen_ai_token_type input/output',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'gen_ai_token_type'],
      buckets: TOKEN_BUCKETS,
      registers,
    });
    this.#duration = new Histogram({
      name: 'gen_ai_client_operation_duration_seconds',
      help: 'Duration of one Groq call, from the request to its last chunk (gen_ai.client.operation.duration)',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'error_type'],
      buckets: SECONDS,
      registers,
    });
    this.#firstChunk = new Histogram({
      name: 'gen_ai_client_operation_time_to_first_chunk_seconds',
      help: 'Time from sending a Groq call to its first streamed chunk',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model'],
      buckets: SECONDS,
      registers,
    });
    this.#requests = new Counter({
      name: 'twin_requests_total',
      help: 'Questions (ledger records) by platform, outcome and the failure the person was shown',
      labelNames: ['platform', 'outcome', 'failure_code', 'tenant'],
      registers,
    });
    this.#requestTokens = new Counter({
      name: 'twin_request_tokens_total',
      help: 'Tokens spent by questions, as the ledger counts them (all attempts), by type',
      labelNames: ['platform', 'token_type', 'tenant'],
      registers,
    });
    this.#requestCost = new Counter({
      name: 'twin_request_cost_usd_total',
      help: 'Estimated cost of questions in US dollars, as the ledger counts it',
      labelNames: ['platform', 'tenant'],
      registers,
    });
    this.#requestLatency = new Histogram({
      name: 'twin_request_duration_seconds',
      help: 'From a question arriving to its final reply',
      labelNames: ['platform', 'outcome'],
      buckets: SECONDS,
      registers,
    });
    this.#queueWait = new Histogram({
      name: 'twin_queue_wait_seconds',
      help: 'Time a question waited for a Groq slot (fair queue and budgets)',
      labelNames: ['platform'],
      buckets: SECONDS,
      registers,
    });
    this.#attempts = new Counter({
      name: 'twin_llm_attempts_total',
      help: 'Groq calls by model and result (ok, or the error code)',
      labelNames: ['model', 'result'],
      registers,
    });
    this.#rateLimited = new Counter({
      name: 'twin_groq_rate_limited_total',
      help: 'HTTP 429 answers received from Groq, by model',
      labelNames: ['model'],
      registers,
    });
    this.#fallbacks = new Counter({
      name: 'twin_fallback_answers_total',
      help: 'Questions answered by a fallback model instead of GROQ_MODEL',
      labelNames: ['model'],
      registers,
    });
    this.#ledgerRetries = new Counter({
      name: 'twin_ledger_write_retries_total',
      help: 'Ledger writes that failed and were kept for a retry (usage.write_failed), and retry rounds that failed',
      labelNames: ['kind'],
      registers,
    });
    this.#platformErrors = new Counter({
      name: 'twin_platform_api_errors_total',
      help: 'Slack and Discord API calls that failed, by platform and the log event that reported it',
      labelNames: ['platform', 'event'],
      registers,
    });
    this.#alerts = new Counter({
      name: 'twin_alerts_total',
      help: 'Alerts sent (quota, groq_day) by threshold',
      labelNames: ['kind', 'threshold'],
      registers,
    });
    registerGatewayGauges(this.registry, options);
    this.#unsubscribe = options.events.subscribe((e) => this.#observe(e));
  }

  /** The Prometheus text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    this.#unsubscribe();
  }

  #tenant(v: unknown): string {
    const t = str(v, 'other');
    return this.#tenants.has(t) ? t : 'other';
  }

  #observe(e: LogEvent): void {
    if (e.event === 'twin.usage') this.#request(e);
    else if (e.event === 'llm.attempt') this.#attempt(e);
    else if (e.event === 'usage.write_failed') this.#ledgerRetries.inc({ kind: 'write_failed' });
    else if (e.event === 'usage.retry_failed') this.#ledgerRetries.inc({ kind: 'retry_failed' });
    else if (e.event === 'twin.alert') this.#alerts.inc({ kind: str(e.kind), threshold: String(e.threshold) });
    else if (PLATFORM_API_ERRORS[e.event]) {
      this.#platformErrors.inc({ platform: PLATFORM_API_ERRORS[e.event] as string, event: e.event });
    }
  }

  #request(e: LogEvent): void {
    const platform = str(e.platform);
    const tenant = this.#tenant(e.tenantId);
    const outcome = str(e.outcome);
    this.#requests.inc({ platform, outcome, failure_code: str(e.failureCode), tenant });
    this.#requestTokens.inc({ platform, token_type: 'input', tenant }, num(e.promptTokens) ?? 0);
    this.#requestTokens.inc({ platform, token_type: 'output', tenant }, num(e.completionTokens) ?? 0);
    this.#requestCost.inc({ platform, tenant }, num(e.costUsd) ?? 0);
    const latency = num(e.latencyMs);
    if (latency !== undefined) this.#requestLatency.observe({ platform, outcome }, latency / 1000);
    const queue = num(e.queueMs);
    if (queue !== undefined && num(e.attempts)) this.#queueWait.observe({ platform }, queue / 1000);
    const model = typeof e.model === 'string' ? e.model : undefined;
    if (outcome === 'answered' && model && this.#primary && model !== this.#primary) this.#fallbacks.inc({ model });
  }

  #attempt(e: LogEvent): void {
    const model = str(e.model);
    const result = str(e.outcome, 'ok');
    this.#attempts.inc({ model, result });
    if (e.status === 429) this.#rateLimited.inc({ model });
    const op = { gen_ai_operation_name: 'chat', gen_ai_request_model: model };
    const input = num(e.promptTokens);
    const output = num(e.completionTokens);
    if (input !== undefined) this.#tokenUsage.observe({ ...op, gen_ai_token_type: 'input' }, input);
    if (output !== undefined) this.#tokenUsage.observe({ ...op, gen_ai_token_type: 'output' }, output);
    const ms = num(e.ms);
    if (ms !== undefined) this.#duration.observe({ ...op, error_type: result === 'ok' ? '' : result }, ms / 1000);
    const ttft = num(e.ttftMs);
    if (ttft !== undefined) this.#firstChunk.observe(op, ttft / 1000);
  }
}

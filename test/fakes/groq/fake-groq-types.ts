/** The public shapes of the fake Groq server (see fake-groq-server.ts). */
import type { FakeGroqLimits } from './fake-rate-limits.js';
import type { ChatRequestBody } from './groq-wire.js';

export interface FakeGroqOptions {
  /** Enforced per model like Groq does: continuous token buckets, 429 with retry-after and Groq's error bodies. */
  limits?: FakeGroqLimits;
  /** Length of the "minute" in ms (default 60 000); the "day" is 1 440 of them. Lets benches shrink time. */
  windowMs?: number;
  /** Only this key is accepted (401 otherwise, Groq's body). Default: any non-empty Bearer token. */
  apiKey?: string;
  /** Models served; default ['openai/gpt-oss-20b','openai/gpt-oss-120b','qwen/qwen3-32b']. */
  models?: string[];
  /** Retired models answering 400 model_decommissioned; default ['llama-3.1-8b-instant','llama-3.3-70b-versatile']. */
  decommissioned?: string[];
  /** Reply text for a request; default: a deterministic first-person sentence built from the last user message. */
  answer?: (body: ChatRequestBody) => string;
  /** Delay between streamed chunks (default 0) and how many characters per chunk (default 12). */
  chunkDelayMs?: number;
  chunkChars?: number;
  /** Model "thinking" time before the first byte (default 0). */
  latencyMs?: number;
  /** Random faults for benches, from a seeded RNG: fraction of requests answered 503, fraction that stall mid-stream. */
  faults?: { rate503?: number; rateStall?: number; seed?: number };
  /**
   * 'settle' (default): the admission charge (prompt + max completion tokens) is corrected to the real usage when the
   * answer ends. 'reserve': the admission charge stands.
   */
  tokenAccounting?: 'settle' | 'reserve';
  /** Also send `retry-after-ms` on 429s (Groq sends only `retry-after`, whole seconds). Default false. */
  retryAfterMsHeader?: boolean;
  /** Clock for the buckets and `RecordedRequest.at` (default Date.now); lets tests refill buckets without waiting. */
  now?: () => number;
}

export interface RecordedRequest {
  at: number;
  model: string;
  stream: boolean;
  body: ChatRequestBody;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** The status sent; 0 while nothing was sent (a stall before headers). */
  status: number;
  /** Added: the client closed the connection before the response was complete (abort, stall timeout). */
  clientClosed: boolean;
  /** When the response ended or the connection closed, on the same clock as `at`; absent while it is open. */
  endedAt?: number;
}

export type ScriptedResponse =
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Stops sending after `afterChars` characters of answer text; 0 (default) = before the headers. */
  | { kind: 'stall'; afterChars?: number }
  | {
      kind: 'answer';
      text: string;
      usage?: { prompt_tokens: number; completion_tokens: number };
      /** Also send a separate usage chunk (`choices: []`, `usage`) after the final chunk. */
      usageChunk?: boolean;
    }
  /** Added: an error object inside the stream after `afterChars` characters (`data: {"error":{...}}`). */
  | { kind: 'stream_error'; afterChars?: number; error?: { message: string; type?: string; code?: string } }
  /** Added: the connection is destroyed after `afterChars` characters of a streamed answer. */
  | { kind: 'drop'; afterChars?: number };

export interface FakeGroqStats {
  requests: number;
  ok: number;
  rateLimited: number;
  errors: number;
  stalls: number;
  tokens: number;
}

export interface FakeGroq {
  /** Base URL to give groq-sdk as baseURL / GROQ_BASE_URL, e.g. http://127.0.0.1:PORT (no /openai/v1). */
  url: string;
  requests: RecordedRequest[];
  /** Queue responses for the next requests (FIFO), overriding normal behaviour. */
  script(...responses: ScriptedResponse[]): void;
  stats(): FakeGroqStats;
  /** Added: what is left in each of a model's buckets now (Infinity where no limit is enforced). */
  remaining(model: string): { rpm: number; rpd: number; tpm: number; tpd: number };
  /** Clears requests, stats, scripts and buckets. */
  reset(): void;
  /** Also ends stalled connections. */
  close(): Promise<void>;
}

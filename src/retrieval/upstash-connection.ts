/**
 * One place that opens @upstash/vector and turns what it throws into TwinErrors. Every request gets its own
 * timeout through the client's `signal` option given as a function: in that form an abort throws, while a plain
 * signal makes the client resolve the string "Aborted" as if it were a result (FACTS.md).
 */
import { Index } from '@upstash/vector';
import { TwinError } from '../core/errors.js';

/** How to reach one namespace of an Upstash Vector index. */
export interface UpstashConnectionOptions {
  /** UPSTASH_VECTOR_REST_URL */
  url: string;
  /** UPSTASH_VECTOR_REST_TOKEN */
  token: string;
  /** The twin's namespace; "" is the index's default namespace. */
  namespace: string;
  /** Longest wait for one HTTP request, in ms. */
  timeoutMs?: number;
  /** Extra tries when the request cannot be sent at all (the client's own retry; HTTP errors are not retried). */
  retries?: number;
}

export type UpstashNamespace = ReturnType<Index['namespace']>;

const NAMESPACE_RE = /^[A-Za-z0-9._-]{0,100}$/;

/**
 * A namespace name from a profile name: lower case, runs of anything but letters and digits become "-".
 * "Tomás Reyes-Hale" -> "tomas-reyes-hale".
 */
export function namespaceFor(profileName: string): string {
  const slug = profileName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
  return slug.length > 0 ? slug : 'twin';
}

/** Throws a config TwinError unless `namespace` can travel in a URL path as it is. */
export function checkNamespace(namespace: string): void {
  // why: the client appends the namespace to the request path without encoding it.
  if (!NAMESPACE_RE.test(namespace)) {
    throw new TwinError(
      'config',
      `Upstash namespace "${namespace}" may only contain letters, digits, ".", "_" and "-" (at most 100)`,
    );
  }
}

/** A client for the namespace whose every request times out after `timeoutMs` or when `signal` aborts. */
export function openNamespace(
  options: UpstashConnectionOptions,
  timeoutMs: number,
  signal?: AbortSignal,
): UpstashNamespace {
  checkNamespace(options.namespace);
  const retries = options.retries ?? 0;
  const index = new Index({
    url: options.url,
    token: options.token,
    enableTelemetry: false,
    // why: `retry: false` still sends a request twice when fetch throws (its loop runs attempts + 1 times);
    // `retries: 0` sends it once.
    retry: { retries, backoff: (i) => 100 * 2 ** i },
    signal: () => (signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs)),
  });
  return index.namespace(options.namespace);
}

/**
 * Runs one Upstash call, translating failures: a refused token, an HTTP error, a timeout, an unreachable host,
 * an answer that is not JSON. `action` completes "while ..." in messages, e.g. "querying namespace twin".
 */
export async function callUpstash<T>(
  options: UpstashConnectionOptions,
  action: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateUpstashError(err, options.url, action, timeoutMs, signal);
  }
}

/** The TwinError for something @upstash/vector (or fetch under it) threw. No token ever goes into it. */
export function translateUpstashError(
  err: unknown,
  url: string,
  action: string,
  timeoutMs: number,
  signal?: AbortSignal,
): TwinError {
  if (err instanceof TwinError) return err;
  if (signal?.aborted) return new TwinError('aborted', `cancelled while ${action}`, { cause: err });
  const host = hostOf(url);
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new TwinError(
      'retrieval',
      `Upstash Vector at ${host} did not answer within ${timeoutMs} ms while ${action}`,
      {
        retryable: true,
        cause: err,
      },
    );
  }
  if (name === 'UpstashError') {
    if (/unauthori[sz]ed|invalid (auth )?token|forbidden/i.test(message)) {
      return new TwinError(
        'retrieval',
        `Upstash Vector at ${host} refused the token while ${action} (${message}); check UPSTASH_VECTOR_REST_TOKEN`,
        { retryable: false, status: 401, cause: err },
      );
    }
    return new TwinError('retrieval', `Upstash Vector at ${host} failed while ${action}: ${message}`, { cause: err });
  }
  if (err instanceof SyntaxError) {
    return new TwinError(
      'retrieval',
      `Upstash Vector at ${host} answered with something that is not JSON while ${action}; check UPSTASH_VECTOR_REST_URL`,
      { cause: err },
    );
  }
  if (err instanceof TypeError) {
    const code = causeCode(err);
    return new TwinError(
      'retrieval',
      `could not reach Upstash Vector at ${host} while ${action}${code ? ` (${code})` : `: ${message}`}`,
      { retryable: true, cause: err },
    );
  }
  return new TwinError('retrieval', `Upstash Vector at ${host} failed while ${action}: ${message}`, { cause: err });
}

/** Throws unless the client gave back what the command returns (an aborted request resolves a string). */
export function expectShape<T>(value: unknown, ok: (v: unknown) => boolean, url: string, action: string): T {
  if (!ok(value)) {
    const what = typeof value === 'string' ? `"${value.slice(0, 40)}"` : typeof value;
    throw new TwinError(
      'retrieval',
      `Upstash Vector at ${hostOf(url)} gave an unexpected answer (${what}) while ${action}`,
      {
        retryable: true,
      },
    );
  }
  return value as T;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}

function causeCode(err: Error): string | undefined {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return undefined;
}

/**
 * The contract every door implements (Discord, Slack, the console; the HTTP API and MCP next): start taking
 * requests, stop with a grace period for the answers in flight, report health. Adapters translate only
 * (STYLE.md 2): they read the platform's facts into an AskRequest with its Tenant, call the TwinService, and
 * show its reply stream through the core's ReplyPresenter on a ReplySurface of their own.
 */

/** What an adapter says about itself, for /healthz details and logs. */
export interface AdapterHealth {
  /** 'stopping': no new requests, answers in flight still writing. */
  state: 'idle' | 'running' | 'stopping' | 'stopped';
  /** Requests taken and not yet fully answered. */
  inFlight: number;
}

export interface PlatformAdapter {
  /** "discord", "slack", "console". */
  readonly name: string;
  /** Connects and starts taking requests; one clear TwinError when it cannot (a bad credential, a busy port). */
  start(): Promise<void>;
  /**
   * Stops taking new requests, gives the answers in flight up to `graceMs` to be written (absent: as long as they
   * take; the TwinService's own deadline bounds them), then disconnects. Never throws.
   */
  stop(graceMs?: number): Promise<void>;
  health(): AdapterHealth;
}

/** Waits for `work` to settle, or `ms` to pass (absent: no bound). */
export async function settleWithin(work: Promise<unknown>, ms?: number): Promise<void> {
  if (ms === undefined) {
    await work.catch(() => undefined);
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  await Promise.race([work.catch(() => undefined), timeout]);
  clearTimeout(timer);
}

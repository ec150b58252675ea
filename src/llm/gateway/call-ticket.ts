/**
 * The gateway's handle on one call while it waits for a slot: its tenant, deadline, token cost per model, and a
 * wake-up the admission control pokes whenever something about it changed.
 */
import type { TwinError } from '../../core/errors.js';
import type { LlmMessage } from '../../core/ports.js';
import type { Grant, Ticket } from './admission-control.js';

export type PromptEstimator = (messages: readonly LlmMessage[], model: string) => number;

export class CallTicket implements Ticket {
  enqueuedAt = 0;
  readonly skip = new Set<string>();
  grant?: Grant;
  failure?: TwinError;
  private readonly costs = new Map<string, number>();
  private wake: (() => void) | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    readonly tenantId: string,
    readonly deadline: number,
    private readonly messages: readonly LlmMessage[],
    private readonly maxTokens: number,
    private readonly estimate: PromptEstimator,
    /** The models this call may use, preferred first (LlmCall.models); absent: the gateway's, in its order. */
    readonly models?: readonly string[],
  ) {}

  /** Estimated prompt tokens + the completion limit, counted once per model. */
  costFor(model: string): number {
    let cost = this.costs.get(model);
    if (cost === undefined) {
      cost = this.estimate(this.messages, model) + this.maxTokens;
      this.costs.set(model, cost);
    }
    return cost;
  }

  notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    this.pending = undefined;
    wake?.();
  }

  /** Settles at the next `notify()`. Take it before checking state so no notification is missed. */
  changed(): Promise<void> {
    if (!this.pending) {
      this.pending = new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    return this.pending;
  }
}

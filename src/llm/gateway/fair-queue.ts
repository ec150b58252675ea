/**
 * Per-tenant FIFO queues with fair admission across the tenants that have work, so one tenant's burst cannot fill
 * the pipe ahead of everyone else (issue 5, "fair queue").
 *
 * The order is start-time fair queuing: each call gets a virtual start tag, one unit after its tenant's previous
 * call, and the smallest tag goes first. Tenants with work are therefore served round-robin. A tenant that had
 * nothing queued starts at the current virtual time minus `newcomerCredit`, so someone who asks now and then gets
 * a few calls in ahead of a tenant that has been flooding, without being able to starve it (the credit is bounded).
 */

export interface FairQueueOptions {
  /** Calls one tenant may have waiting (TWIN_MAX_QUEUE_PER_TENANT). */
  maxPerTenant: number;
  /**
   * How many calls a tenant that was idle may be served ahead of tenants already being served. 0 = it joins at the
   * end of the current round (plain round-robin). Default 0.
   */
  newcomerCredit?: number;
}

/** Where a waiting item stands. */
export interface QueuePlace {
  /** 1-based place in the admission order across all tenants, if nothing else arrives. */
  position: number;
  /** Items admitted before it. */
  ahead: number;
}

interface Entry {
  tenant: string;
  /** Virtual start time; -Infinity for a retried call, which already waited its turn. */
  tag: number;
  /** Arrival order, to break ties. */
  seq: number;
}

const PRUNE_EVERY = 1_000;

export class FairQueue<T> {
  private readonly maxPerTenant: number;
  private readonly credit: number;
  private readonly queues = new Map<string, T[]>();
  private readonly entries = new Map<T, Entry>();
  /**
   * Every waiting item in admission order, by (tag, seq). why: kept sorted on every change (a binary search and one
   * splice) so that a burst of arrivals, each asking for its place, costs O(log n) each instead of a sort each.
   */
  private readonly sorted: T[] = [];
  /** Virtual finish time of each tenant's last call. */
  private readonly finish = new Map<string, number>();
  private virtualTime = 0;
  private seq = 0;
  private shifts = 0;

  constructor(options: FairQueueOptions) {
    this.maxPerTenant = options.maxPerTenant;
    this.credit = Math.max(0, options.newcomerCredit ?? 0);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Items waiting for one tenant. */
  depth(tenantId: string): number {
    return this.queues.get(tenantId)?.length ?? 0;
  }

  /** Queue depth per tenant with work. */
  depths(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [tenant, queue] of this.queues) out[tenant] = queue.length;
    return out;
  }

  /** Whether `tenantId` may queue one more item. */
  hasRoom(tenantId: string): boolean {
    return this.depth(tenantId) < this.maxPerTenant;
  }

  /**
   * Adds an item at the back of its tenant's queue, or ahead of everything (`front`) for a call that is being retried
   * and already waited its turn; the bound applies to new items only. Returns false when the tenant's queue is full.
   */
  push(tenantId: string, item: T, options: { front?: boolean } = {}): boolean {
    if (this.entries.has(item)) throw new Error('item already queued');
    let queue = this.queues.get(tenantId);
    if (!options.front && (queue?.length ?? 0) >= this.maxPerTenant) return false;
    if (!queue) {
      queue = [];
      this.queues.set(tenantId, queue);
    }
    let tag = Number.NEGATIVE_INFINITY;
    if (options.front) {
      // why: behind retried calls already at the front, which waited longer, so the tenant's queue keeps (tag, seq) order.
      let at = 0;
      while (at < queue.length && (this.entries.get(queue[at] as T) as Entry).tag === Number.NEGATIVE_INFINITY) at++;
      queue.splice(at, 0, item);
    } else {
      tag = Math.max(this.finish.get(tenantId) ?? Number.NEGATIVE_INFINITY, this.virtualTime - this.credit);
      this.finish.set(tenantId, tag + 1);
      queue.push(item);
    }
    const entry: Entry = { tenant: tenantId, tag, seq: this.seq++ };
    this.entries.set(item, entry);
    this.sorted.splice(this.rank(entry), 0, item);
    return true;
  }

  /** The item admitted next, without removing it. */
  peek(): T | undefined {
    return this.sorted[0];
  }

  /** The first waiting item of one tenant. */
  head(tenantId: string): T | undefined {
    return this.queues.get(tenantId)?.[0];
  }

  /** Removes and returns the next item. */
  shift(): T | undefined {
    const item = this.sorted[0];
    if (item === undefined) return undefined;
    const entry = this.entries.get(item) as Entry;
    this.virtualTime = Math.max(this.virtualTime, entry.tag);
    this.take(item, entry);
    if (++this.shifts % PRUNE_EVERY === 0) this.prune();
    return item;
  }

  /** Takes an item out wherever it is (caller gave up, deadline). Returns whether it was queued. */
  remove(item: T): boolean {
    const entry = this.entries.get(item);
    if (!entry) return false;
    this.take(item, entry);
    return true;
  }

  has(item: T): boolean {
    return this.entries.has(item);
  }

  /** The place of an item in admission order (exact as long as nothing else arrives). */
  place(item: T): QueuePlace | undefined {
    const entry = this.entries.get(item);
    if (!entry) return undefined;
    const ahead = this.rank(entry);
    return { position: ahead + 1, ahead };
  }

  /** Every queued item, in no particular order. */
  items(): T[] {
    return [...this.entries.keys()];
  }

  /** Empties the queue and returns what was in it. */
  clear(): T[] {
    const all = this.items();
    this.queues.clear();
    this.entries.clear();
    this.sorted.length = 0;
    return all;
  }

  /** How many waiting items come before `entry` in admission order: its index in `sorted` (keys are unique). */
  private rank(entry: Entry): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.entries.get(this.sorted[mid] as T) as Entry, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private take(item: T, entry: Entry): void {
    const queue = this.queues.get(entry.tenant) as T[];
    queue.splice(queue.indexOf(item), 1);
    if (queue.length === 0) this.queues.delete(entry.tenant);
    this.sorted.splice(this.rank(entry), 1);
    this.entries.delete(item);
  }

  /** Forgets idle tenants whose finish time no longer matters (they would start at virtual time - credit anyway). */
  private prune(): void {
    for (const [tenant, finish] of this.finish) {
      if (!this.queues.has(tenant) && finish <= this.virtualTime - this.credit) this.finish.delete(tenant);
    }
  }
}

function compare(a: Entry, b: Entry): number {
  if (a.tag !== b.tag) return a.tag < b.tag ? -1 : 1;
  return a.seq - b.seq;
}

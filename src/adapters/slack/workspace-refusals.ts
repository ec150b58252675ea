/**
 * Workspaces where Slack refused a feature (native streaming), remembered for a while: answers there go the
 * post-and-update way without asking again, and the feature is tried again once the memory lapses (an admin may
 * have turned it on since).
 */
export class WorkspaceRefusals {
  private readonly until = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  refuse(teamId: string): void {
    // why: one entry per workspace ever refused; lapsed ones are dropped as new ones come.
    if (this.until.size >= 10_000) for (const [k, t] of this.until) if (t <= this.now()) this.until.delete(k);
    this.until.set(teamId, this.now() + this.ttlMs);
  }

  refused(teamId: string): boolean {
    const until = this.until.get(teamId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.until.delete(teamId);
    return false;
  }
}

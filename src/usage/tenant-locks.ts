/** One-at-a-time work per key within this process (e.g. a tenant's quota check and admission). */
export class TenantLocks {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier `run` of the same key has settled; keys do not wait for each other. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    // why: forget a key once its last work is done, so the map holds only tenants being admitted right now.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

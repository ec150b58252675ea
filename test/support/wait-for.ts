/**
 * Waiting on a state, never on the clock (STYLE.md 16): tests wait until what they expect is true, and the bound
 * only turns a hang into a clear failure; nothing here asserts how fast anything is.
 */

/**
 * Polls `condition` (sync or async) until it returns something truthy, and returns that. Throws naming `what` when
 * it has not held within `timeoutMs` of real time.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  what = 'the condition',
  { timeoutMs = 30_000, intervalMs = 2 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Lets pending promise callbacks and I/O callbacks run, turn by turn, until `condition` holds: for tests whose time
 * is a fake clock, where no real timer should be needed at all.
 */
export async function settle(condition: () => boolean, what = 'the condition', turns = 500): Promise<void> {
  for (let i = 0; i < turns && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error(`${what} never settled`);
}

/**
 * The end of a door's graceful stop: what is still in flight gets `graceMs` to finish (each entry leaves `open` when
 * it ends), then whatever is left is cut. Shared by the HTTP doors (the OpenAI-compatible API, MCP over HTTP).
 */
export async function drainWithin(open: ReadonlySet<{ destroy(): void }>, graceMs: number): Promise<void> {
  const until = Date.now() + graceMs;
  while (open.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  for (const item of open) item.destroy();
}

/**
 * An error as a log field without secrets. why: discord.js errors carry the request URL, and interaction webhook
 * URLs contain the interaction token (it can post in the channel for 15 minutes).
 */
const TOKEN_IN_PATH = /(\/(?:webhooks|interactions)\/\d+\/)[^/?\s]+/g;

export function scrubTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1:token');
}

export function safeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubTokens(String(err)) };
  const e = err as Error & { code?: unknown; status?: unknown; method?: unknown; url?: unknown };
  return {
    type: e.name,
    message: scrubTokens(e.message),
    ...(e.code !== undefined && { code: e.code }),
    ...(e.status !== undefined && { status: e.status }),
    ...(typeof e.method === 'string' && { method: e.method }),
    ...(typeof e.url === 'string' && { url: scrubTokens(e.url) }),
    ...(e.stack && { stack: scrubTokens(e.stack) }),
  };
}

/**
 * The operator's alert webhook (TWIN_ALERT_WEBHOOK_URL): a JSON POST `{"text": "..."}`, the shape a Slack incoming
 * webhook (and most chat webhooks and alert relays) takes. The URL is a secret: errors never quote it.
 */

/** Gives up after this long. why: an alert must not hold anything up for long; it is logged either way. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export async function postAlertWebhook(url: string, text: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    throw new Error(`the alert webhook could not be reached (${(err as Error).name})`);
  }
  await res.body?.cancel();
  if (!res.ok) throw new Error(`the alert webhook answered HTTP ${res.status}`);
}

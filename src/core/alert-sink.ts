/**
 * Where alerts go (issue 14). A tenant's admins pick a channel with `/twin-usage alerts`; each platform posts there
 * through its own AlertSink. Operators may add a webhook (TWIN_ALERT_WEBHOOK_URL) that gets every alert.
 */

/** The channel a tenant's admins chose for alerts, kept in the KeyValueStore. */
export interface AlertChannel {
  platform: 'discord' | 'slack';
  channelId: string;
}

/** Posts an alert's text to a channel of one platform. Throws on failure; the monitor logs it and goes on. */
export interface AlertSink {
  readonly platform: AlertChannel['platform'];
  post(channelId: string, text: string): Promise<void>;
}

/** Posts an alert to the operator's webhook (Slack incoming-webhook JSON `{text}`). Throws on failure. */
export type AlertWebhook = (text: string) => Promise<void>;

/** Posts alerts to a Slack channel (the AlertSink port) with the bot token, through the Web API. */
import { webApi } from '@slack/bolt';
import type { AlertSink } from '../../core/alert-sink.js';

/** why: mrkdwn reads <…> as links and mentions; an alert must show as written and notify nobody. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export class SlackAlertSink implements AlertSink {
  readonly platform = 'slack' as const;
  readonly #client: webApi.WebClient;

  constructor(options: { token: string; apiUrl?: string }) {
    // why: the WebClient's default retries last about 30 minutes (FACTS.md); an alert tries briefly, then is logged.
    this.#client = new webApi.WebClient(options.token, {
      ...(options.apiUrl && { slackApiUrl: options.apiUrl }),
      retryConfig: { retries: 1 },
      timeout: 10_000,
    });
  }

  async post(channelId: string, text: string): Promise<void> {
    await this.#client.chat.postMessage({ channel: channelId, text: escapeMrkdwn(text), unfurl_links: false });
  }
}

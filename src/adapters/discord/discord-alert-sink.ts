/** Posts alerts to a Discord channel (the AlertSink port) with the bot's token over Discord's REST API. */
import { REST, Routes } from 'discord.js';
import type { AlertSink } from '../../core/alert-sink.js';
import { splitText } from '../../core/split-text.js';

/** why: Discord refuses message content over 2 000 characters. */
const MESSAGE_LIMIT = 2000;

export class DiscordAlertSink implements AlertSink {
  readonly platform = 'discord' as const;
  readonly #rest: REST;

  constructor(options: { token: string; apiUrl?: string }) {
    this.#rest = new REST({ ...(options.apiUrl && { api: options.apiUrl }), retries: 1 }).setToken(options.token);
  }

  async post(channelId: string, text: string): Promise<void> {
    for (const content of splitText(text, MESSAGE_LIMIT)) {
      // why: an alert names tenants and limits only, and must never ping anyone.
      await this.#rest.post(Routes.channelMessages(channelId), { body: { content, allowed_mentions: { parse: [] } } });
    }
  }
}

/** For `twinbot doctor`: does Discord accept the bot token? Returns the bot's user name. */
import { REST, Routes } from 'discord.js';
import { startupError } from './startup-error.js';

export async function checkDiscordToken(options: { token: string; apiUrl?: string }): Promise<string> {
  const rest = new REST({ ...(options.apiUrl ? { api: options.apiUrl } : {}), retries: 0, timeout: 10_000 }).setToken(
    options.token,
  );
  try {
    const me = (await rest.get(Routes.user())) as { username?: string; id?: string };
    return `${me.username ?? 'the bot'} (${me.id ?? 'unknown id'})`;
  } catch (err) {
    throw startupError(err, options.apiUrl);
  }
}

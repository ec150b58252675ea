/**
 * Why the Discord connection could not start, as one clear TwinError without secrets.
 * why: discord.js reports a refused token as `TokenInvalid` (401 on GET /gateway/bot) or, when the gateway
 * refuses IDENTIFY (close 4004), as "Authentication failed"; a crash loop of IDENTIFYs would get the token reset.
 */
import { TwinError } from '../../core/errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'UND_ERR_SOCKET']);

function codeOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export function startupError(err: unknown, apiUrl?: string): TwinError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown })?.code;
  const status = (err as { status?: unknown })?.status;
  if (code === 'TokenInvalid' || status === 401 || /Authentication failed/i.test(message)) {
    return new TwinError('config', 'discord: the bot token was refused (401). Check DISCORD_TOKEN.', {
      status: 401,
      cause: err,
    });
  }
  if (/disallowed intents/i.test(message) || code === 'DisallowedIntents') {
    return new TwinError(
      'config',
      'discord: Discord refused the Message Content intent (4014). Enable "Message Content Intent" for the bot in ' +
        'the Developer Portal, or set DISCORD_MESSAGE_CONTENT=0.',
      { cause: err },
    );
  }
  const networkCode = codeOf(err);
  if (networkCode) {
    const where = apiUrl ? new URL(apiUrl).host : 'discord.com';
    return new TwinError('network', `discord: could not reach Discord at ${where} (${networkCode}).`, { cause: err });
  }
  return new TwinError('internal', `discord: could not connect: ${message}`, { cause: err });
}

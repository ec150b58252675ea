/**
 * Reads Slack Web API errors and turns start-up failures into one clear `TwinError` (no token in any message).
 */
import { webApi } from '@slack/bolt';
import { TwinError } from '../../core/errors.js';

/** Slack's error string (`not_in_channel`, `invalid_auth`, …) when `err` is a Web API platform error. */
export function slackErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; data?: { error?: unknown } };
  if (e.code === webApi.ErrorCode.PlatformError && typeof e.data?.error === 'string') return e.data.error;
  return undefined;
}

/** Errors that mean the token itself is no good (Slack answers HTTP 200 with one of these). */
const REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'user_removed_from_team',
  'team_disabled',
  'not_allowed_token_type',
]);

/**
 * Translates a failed start-up call (auth.test with the bot token, apps.connections.open with the app token) into
 * the single error `start()` throws.
 */
export function startupError(err: unknown, token: 'bot' | 'app', apiUrl: string): TwinError {
  const variable = token === 'bot' ? 'SLACK_BOT_TOKEN' : 'SLACK_APP_TOKEN';
  const what = token === 'bot' ? 'the bot token' : 'the app-level token';
  const code = slackErrorCode(err);
  if (code !== undefined) {
    if (REFUSED.has(code)) {
      return new TwinError('config', `slack: ${what} was refused (${code}). Check ${variable}.`, { cause: err });
    }
    return new TwinError('config', `slack: Slack refused to start the app (${code}). Check ${variable}.`, {
      cause: err,
    });
  }
  const e = err as { code?: unknown; statusCode?: unknown; original?: { message?: unknown } } | undefined;
  if (e?.code === webApi.ErrorCode.HTTPError) {
    return new TwinError(
      'config',
      `slack: the Slack Web API at ${apiUrl} answered HTTP ${String(e.statusCode)}. Check SLACK_API_URL (it must end in /api/).`,
      { cause: err, status: typeof e.statusCode === 'number' ? e.statusCode : undefined },
    );
  }
  const reason = typeof e?.original?.message === 'string' ? `: ${e.original.message}` : '';
  return new TwinError(
    'network',
    `slack: could not reach the Slack Web API at ${apiUrl}${reason}. Check SLACK_API_URL and the network.`,
    { cause: err },
  );
}

/** For `twinbot doctor`: does Slack accept the bot token? Returns the workspace and bot it belongs to. */
import { webApi } from '@slack/bolt';
import { webClientOptions } from './slack-app.js';
import { startupError } from './slack-errors.js';

const SLACK_API = 'https://slack.com/api/';

export async function checkSlackToken(options: { botToken: string; apiUrl?: string }): Promise<string> {
  const apiUrl = options.apiUrl ?? SLACK_API;
  try {
    const auth = await new webApi.WebClient(options.botToken, webClientOptions(apiUrl, 0, 10_000)).auth.test();
    return `${auth.user ?? 'the bot'} in ${auth.team ?? auth.team_id ?? 'the workspace'}`;
  } catch (err) {
    throw startupError(err, 'bot', apiUrl);
  }
}

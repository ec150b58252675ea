/**
 * The load bench's baseline (issue 20): the least a Slack twin could do. A Bolt app in HTTP mode that acks an
 * app_mention, makes one streamed groq-sdk call and posts the whole answer once with chat.postMessage. No quotas,
 * ledger, retrieval or live updates. Run as its own process by bench/load-bench.ts; prints `ready` when it listens.
 * Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, GROQ_API_KEY, GROQ_BASE_URL, GROQ_MODEL.
 */
import { App, LogLevel } from '@slack/bolt';
import Groq from 'groq-sdk';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const groq = new Groq({ apiKey: env('GROQ_API_KEY'), baseURL: env('GROQ_BASE_URL'), maxRetries: 0 });
const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  clientOptions: { slackApiUrl: env('SLACK_API_URL') },
  logLevel: LogLevel.ERROR,
});

app.event('app_mention', async ({ event, client }) => {
  const question = event.text.replace(/<@[A-Z0-9]+>/g, '').trim();
  const stream = await groq.chat.completions.create({
    model: env('GROQ_MODEL'),
    messages: [
      { role: 'system', content: 'You are a digital twin. Answer in the first person.' },
      { role: 'user', content: question },
    ],
    max_tokens: 500,
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  await client.chat.postMessage({ channel: event.channel, thread_ts: event.thread_ts ?? event.ts, text });
});

await app.start(Number(env('PORT')));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void app.stop().finally(() => process.exit(0));
});

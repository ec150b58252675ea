/**
 * Slack's native streaming in the fake (FACTS.md "Slack"): chat.startStream posts a message in a thread and keeps it
 * open, chat.appendStream adds markdown to it, chat.stopStream closes it with optional markdown and blocks. The
 * argument rules are Slack's: a thread to reply in, the recipient's user and team ids outside a DM, at most 12 000
 * characters of markdown per call (as `markdown_text` or `markdown_text` chunks, the way the SDK's chatStream sends
 * them), and at stop the same Block Kit rules as chat.postMessage (`blocksProblem`: at most 50 blocks, feedback
 * buttons inside `context_actions`); appending to or stopping a stream that is closed or expired answers
 * `message_not_in_streaming_state`. Two switches: a workspace that refuses streaming, and streams that expire after
 * N appends (Slack expires a stream left idle).
 */
import type { FakeBot, FakeMessage, FakeSlack } from './fake-slack-server.js';
import { blocksProblem } from './slack-interactions.js';

export interface FakeStreams {
  /** Workspaces (team ids) whose chat.startStream answers this error, e.g. `feature_not_enabled`. */
  refusedTeams: Map<string, string>;
  /** When set, a stream expires once it has taken this many appends: the next append or stop fails. */
  expireAfterAppends?: number;
}

/** why: the markdown_text limit of every streaming method (and of the markdown block). */
export const STREAM_TEXT_LIMIT = 12_000;

type Handler = (p: Record<string, unknown>, bot: FakeBot | undefined) => object | string;

/** The markdown a call carries: `markdown_text`, or its `markdown_text` chunks; undefined when it is malformed. */
function markdownOf(p: Record<string, unknown>): string | undefined {
  const parts: string[] = [];
  if (p.markdown_text !== undefined) {
    if (typeof p.markdown_text !== 'string') return undefined;
    parts.push(p.markdown_text);
  }
  if (p.chunks !== undefined) {
    if (!Array.isArray(p.chunks)) return undefined;
    for (const chunk of p.chunks as { type?: unknown; text?: unknown }[]) {
      if (chunk.type !== 'markdown_text' || typeof chunk.text !== 'string') return undefined;
      parts.push(chunk.text);
    }
  }
  return parts.join('');
}

export function streamHandlers(fake: FakeSlack, nextTs: () => string): Record<string, Handler> {
  const open = (p: Record<string, unknown>, bot: FakeBot | undefined): FakeMessage | string => {
    if (!bot) return 'invalid_auth';
    if (!p.channel || !p.ts) return 'invalid_arguments';
    const message = fake.messages.find((m) => m.channel === p.channel && m.ts === p.ts && !m.deleted);
    if (!message) return 'message_not_found';
    if (message.stream?.state !== 'open') return 'message_not_in_streaming_state';
    return message;
  };
  const expired = (message: FakeMessage) => {
    const limit = fake.streams.expireAfterAppends;
    if (limit === undefined || message.stream!.appends < limit) return false;
    message.stream!.state = 'expired';
    return true;
  };
  return {
    'chat.startStream': (p, bot) => {
      if (!bot) return 'invalid_auth';
      const refused = fake.streams.refusedTeams.get(bot.teamId);
      if (refused) return refused;
      const channel = String(p.channel ?? '');
      if (!channel || !p.thread_ts) return 'invalid_arguments';
      // why: outside a direct message Slack needs to know whom the stream is for.
      const dm = channel.startsWith('D');
      if (!dm && (!p.recipient_user_id || !p.recipient_team_id)) return 'invalid_arguments';
      if (fake.notInChannel.has(channel)) return 'not_in_channel';
      const text = markdownOf(p);
      if (text === undefined || text.length > STREAM_TEXT_LIMIT) return 'invalid_arguments';
      const message: FakeMessage = {
        channel,
        ts: nextTs(),
        thread_ts: String(p.thread_ts),
        user: bot.botUserId,
        bot_id: bot.botId,
        text,
        edits: 0,
        versions: [{ text }],
        stream: {
          state: 'open',
          appends: 0,
          recipientUserId: p.recipient_user_id ? String(p.recipient_user_id) : undefined,
        },
      };
      fake.messages.push(message);
      fake.threadStatus.delete(`${channel}:${message.thread_ts}`);
      return { channel, ts: message.ts };
    },
    'chat.appendStream': (p, bot) => {
      const message = open(p, bot);
      if (typeof message === 'string') return message;
      const text = markdownOf(p);
      if (!text || text.length > STREAM_TEXT_LIMIT) return 'invalid_arguments';
      if (expired(message)) return 'message_not_in_streaming_state';
      message.stream!.appends += 1;
      message.text += text;
      message.versions.push({ text: message.text });
      return { channel: message.channel, ts: message.ts };
    },
    'chat.stopStream': (p, bot) => {
      const message = open(p, bot);
      if (typeof message === 'string') return message;
      const text = markdownOf(p) ?? '';
      if (text.length > STREAM_TEXT_LIMIT) return 'invalid_arguments';
      // why: stop takes the same Block Kit as chat.postMessage (at most 50 blocks, e.g. feedback buttons).
      const badBlocks = blocksProblem(p.blocks);
      if (badBlocks) return badBlocks;
      const blocks = p.blocks as unknown[] | undefined;
      if (expired(message)) return 'message_not_in_streaming_state';
      message.text += text;
      message.stream!.state = 'stopped';
      // What Slack shows once the stream stops: the streamed markdown, then the blocks given at stop.
      message.blocks = [{ type: 'markdown', text: message.text }, ...(blocks ?? [])];
      message.versions.push({ text: message.text, blocks: message.blocks });
      return { channel: message.channel, ts: message.ts, message: { text: message.text, blocks: message.blocks } };
    },
  };
}

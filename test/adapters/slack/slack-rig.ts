/**
 * A running Slack setup for tests: the fake Slack, a real TwinService answering through the fake Groq, and the
 * real SlackAdapter (real Bolt) in Socket Mode or HTTP mode between them. It delivers commands and events the way
 * Slack does and reads back what a person would see.
 */
import { SlackAdapter, type SlackAdapterOptions } from '../../../src/adapters/slack/slack-adapter.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { type FakeSlack, type FakeSlackOptions, startFakeSlack } from '../../fakes/slack/fake-slack-server.js';
import { eventCallback, slashCommand } from '../../fakes/slack/slack-payloads.js';
import { postSignedToApp, type SignedPostOptions, type SlackHttpResponse } from '../../fakes/slack/slack-signer.js';
import { startTwinHarness, type TwinHarness, type TwinHarnessOptions } from '../../support/twin-harness.js';
import { waitFor } from '../../support/wait-for.js';
import type { AdapterDriver, Visible } from '../adapter-scenarios.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const CHANNEL = 'CGENERAL';
export const ADMIN = 'UADMIN';
export const MEMBER = 'UMEMBER';

export interface RigOptions {
  mode: 'socket' | 'http';
  fake?: FakeSlackOptions;
  harness?: TwinHarnessOptions;
  /**
   * Overrides of the adapter's options (e.g. `oauth` instead of a bot token); a function gets the twin harness,
   * for options built on its database (`new KeyValueInstallationStore(harness.usage.keyValues)`).
   */
  adapter?: Partial<SlackAdapterOptions> | ((harness: TwinHarness) => Partial<SlackAdapterOptions>);
}

/** Counts of what the fake held before an action, so the action's output can be told apart. */
export interface Mark {
  messages: number;
  responses: number;
  calls: number;
}

export interface SlackRig {
  mode: 'socket' | 'http';
  fake: FakeSlack;
  harness: TwinHarness;
  groq: FakeGroq;
  adapter: SlackAdapter;
  eventsUrl: string;
  driver: AdapterDriver;
  mark(): Mark;
  visibleSince(mark: Mark): Visible;
  /** Delivers a slash command and waits until the adapter has finished replying. */
  command(
    command: string,
    text: string,
    opts?: { userId?: string; channelId?: string; teamId?: string },
  ): Promise<Visible>;
  /** Delivers an Events API callback (retries via x-slack-retry-num or retry_attempt); resolves once acked. */
  deliverEvent(callback: Record<string, unknown>, retryNum?: number): Promise<void>;
  postEvent(
    payload: Record<string, unknown>,
    kind: 'event' | 'command',
    options?: SignedPostOptions,
  ): Promise<SlackHttpResponse>;
  /** Waits until `check` gives a value. */
  until<T>(check: () => T | undefined | false, what: string): Promise<T>;
  /** Waits for a log record, e.g. the adapter's `slack.replied` for a request. */
  waitForLog(match: (r: Record<string, unknown>) => boolean, what: string): Promise<Record<string, unknown>>;
  replied(ref: string): Promise<Record<string, unknown>>;
  /** `@twinbot <question>` typed in a channel (a real message plus its app_mention event). */
  mention(
    question: string,
    opts?: { channel?: string; teamId?: string; enterpriseId?: string; threadTs?: string },
  ): Promise<MentionResult>;
  /** A top-level direct message from MEMBER to the bot (channel DMEMBER), answered; with its `slack.replied` record. */
  directMessage(question: string): Promise<MentionResult & { replied: Record<string, unknown> }>;
  close(): Promise<void>;
}

export interface MentionResult {
  visible: Visible;
  ts: string;
  eventId: string;
}

const BLOCK_WRITES = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.startStream',
  'chat.appendStream',
  'chat.stopStream',
]);

interface TextObject {
  type?: string;
  text?: string;
  verbatim?: boolean;
}
interface Block {
  type: string;
  /** A markdown block's text is a string. */
  text?: TextObject | string;
  elements?: TextObject[];
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
/** Markdown as people read it: the zero-width spaces that keep mentions inert are invisible. */
const visible = (s: string) => s.replace(/\u200b/g, '');

function textObjects(blocks: unknown): TextObject[] {
  if (!Array.isArray(blocks)) return [];
  // why: a button's or feedback button's label is a text object inside the element, not the element itself.
  const inside = (e: Record<string, unknown>) =>
    [
      e,
      e.text,
      (e.positive_button as { text?: unknown })?.text,
      (e.negative_button as { text?: unknown })?.text,
    ].filter((o): o is TextObject => typeof (o as TextObject | undefined)?.text === 'string');
  return (blocks as Block[]).flatMap((b) => [
    ...(b.text && typeof b.text !== 'string' ? [b.text] : []),
    ...((b.elements ?? []) as Record<string, unknown>[]).flatMap(inside),
  ]);
}

function markdownTexts(params: Record<string, unknown>): string[] {
  const blocks = Array.isArray(params.blocks) ? (params.blocks as Block[]) : [];
  const chunks = Array.isArray(params.chunks) ? (params.chunks as { text?: unknown }[]) : [];
  return [
    ...blocks.flatMap((b) => (b.type === 'markdown' && typeof b.text === 'string' ? [b.text] : [])),
    ...(typeof params.markdown_text === 'string' ? [params.markdown_text] : []),
    ...chunks.flatMap((c) => (typeof c.text === 'string' ? [c.text] : [])),
  ];
}

/** What a person reads in a message: its blocks when it has them, else its text; entities decoded. */
export function seenText(message: { text?: unknown; blocks?: unknown }): string {
  const blocks = Array.isArray(message.blocks) ? (message.blocks as Block[]) : [];
  if (blocks.length === 0) return visible(decode(String(message.text ?? '')));
  return blocks
    .map((b) => {
      if (b.type === 'markdown') return visible(typeof b.text === 'string' ? b.text : '');
      if (b.type === 'context') return decode((b.elements ?? []).map((e) => e.text).join(' '));
      return decode(typeof b.text === 'string' ? b.text : (b.text?.text ?? ''));
    })
    .join('\n');
}

/** Slack mention markup, or a bare word that notifies a whole channel. */
const MENTION = /<[!@#]|(^|[^\w\u200b])@(channel|here|everyone)\b/i;

/**
 * True when a write cannot notify: no link or mention markup in mrkdwn (escaped, verbatim), none in markdown (made
 * inert with zero-width spaces), no name linking or full parsing.
 */
export function inert(params: Record<string, unknown>): boolean {
  if (
    params.parse === 'full' ||
    params.link_names === true ||
    params.link_names === 'true' ||
    params.link_names === '1'
  )
    return false;
  const objects = textObjects(params.blocks);
  const texts = [String(params.text ?? ''), ...objects.map((o) => o.text ?? '')];
  if (texts.some((t) => t.includes('<'))) return false;
  if (markdownTexts(params).some((t) => MENTION.test(t))) return false;
  return objects.every((o) => o.type !== 'mrkdwn' || o.verbatim === true);
}

export async function startSlackRig(options: RigOptions): Promise<SlackRig> {
  const fake = await startFakeSlack({
    users: { [ADMIN]: { name: 'ada', is_admin: true }, [MEMBER]: { name: 'max' }, ...options.fake?.users },
    ...options.fake,
  });
  // why: the harness's default completion limit (500 tokens) would cut the 7 000-character answers short.
  const harness = await startTwinHarness({
    groq: {},
    ...options.harness,
    options: { maxTokens: 4_000, ...options.harness?.options },
  });
  const groq = harness.groq!;
  const overrides = typeof options.adapter === 'function' ? options.adapter(harness) : options.adapter;
  const adapter = new SlackAdapter({
    twin: harness.twin,
    botToken: overrides?.oauth ? undefined : 'xoxb-test',
    ...(options.mode === 'socket' ? { appToken: 'xapp-test' } : { signingSecret: SIGNING_SECRET, port: 0 }),
    apiUrl: fake.apiUrl,
    logger: harness.logger,
    updateIntervalMs: 20,
    // The workspace's chat.update budget is tested on its own (slack-update-budget.test.ts), and its appendStream
    // budget in slack-streaming.test.ts; here neither binds.
    updateRate: { writes: 10_000, perMs: 60_000 },
    appendRate: { writes: 10_000, perMs: 60_000 },
    ...overrides,
  });
  await adapter.start();
  const eventsUrl = `http://127.0.0.1:${adapter.port}/slack/events`;
  let counter = 0;

  const until: SlackRig['until'] = (check, what) => waitFor(check, what, { intervalMs: 5 }) as Promise<never>;
  const waitForLog: SlackRig['waitForLog'] = (match, what) => until(() => harness.logs.records.find(match), what);

  const rig: SlackRig = {
    mode: options.mode,
    fake,
    harness,
    groq,
    adapter,
    eventsUrl,
    driver: undefined as unknown as AdapterDriver,
    mark: () => ({ messages: fake.messages.length, responses: fake.responses.length, calls: fake.calls.length }),
    visibleSince(mark) {
      const posted = fake.messages.slice(mark.messages).filter((m) => m.bot_id && !m.deleted);
      const shownPrivately: Record<string, unknown>[] = [];
      for (const r of fake.responses.slice(mark.responses)) {
        if (r.body.replace_original === true && shownPrivately.length > 0)
          shownPrivately[shownPrivately.length - 1] = r.body;
        else shownPrivately.push(r.body);
      }
      const calls = fake.calls.slice(mark.calls);
      const ephemerals = calls.filter((c) => c.method === 'chat.postEphemeral' && c.ok).map((c) => c.params);
      const writes = [
        ...calls.filter((c) => BLOCK_WRITES.has(c.method)).map((c) => c.params),
        ...fake.responses.slice(mark.responses).map((r) => r.body),
      ];
      const privately = [...shownPrivately, ...ephemerals];
      return {
        text: [...posted.map(seenText), ...privately.map(seenText)].join('\n'),
        messages: posted.length + privately.length,
        notifiesNobody: writes.every(inert),
        ephemeral:
          posted.length === 0 && privately.length > 0 && shownPrivately.every((b) => b.response_type === 'ephemeral'),
        // `<url|label>` is already refused by `inert`; here: nothing the bot posts may unfurl into a preview.
        linksShown:
          writes.every(inert) &&
          calls
            .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
            .every((c) => String(c.params.unfurl_links) === 'false' && String(c.params.unfurl_media) === 'false'),
      };
    },
    async command(command, text, opts = {}) {
      const mark = rig.mark();
      const triggerId = `trigger-${++counter}`;
      const payload = slashCommand({
        command,
        text,
        teamId: opts.teamId ?? 'T1',
        channelId: opts.channelId ?? CHANNEL,
        userId: opts.userId ?? MEMBER,
        responseUrl: fake.responseUrl(triggerId),
        triggerId,
      });
      if (options.mode === 'http') {
        const res = await rig.postEvent(payload, 'command');
        if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
      } else {
        await fake.socket.send('slash_commands', payload);
      }
      await rig.replied(triggerId);
      return rig.visibleSince(mark);
    },
    async deliverEvent(callback, retryNum) {
      if (options.mode === 'http') {
        const res = await rig.postEvent(callback, 'event', retryNum === undefined ? {} : { retryNum });
        if (res.status !== 200) throw new Error(`event answered ${res.status}`);
      } else {
        await fake.socket.send('events_api', callback, {
          retryAttempt: retryNum ?? 0,
          retryReason: retryNum ? 'timeout' : '',
        });
      }
    },
    postEvent: (payload, kind, signed) => postSignedToApp(eventsUrl, SIGNING_SECRET, payload, kind, signed),
    until,
    waitForLog,
    replied: (ref) => waitForLog((r) => r.event === 'slack.replied' && r.ref === ref, `the reply to ${ref}`),
    async mention(question, opts = {}) {
      const channel = opts.channel ?? CHANNEL;
      const mark = rig.mark();
      const text = `<@UBOT> ${question}`.trimEnd();
      const typed = fake.addMessage({ channel, user: MEMBER, text, thread_ts: opts.threadTs });
      const callback = eventCallback({
        teamId: opts.teamId ?? 'T1',
        enterpriseId: opts.enterpriseId,
        event: { type: 'app_mention', user: MEMBER, text, ts: typed.ts, channel, thread_ts: opts.threadTs },
      });
      await rig.deliverEvent(callback);
      await rig.replied(callback.event_id);
      return { visible: rig.visibleSince(mark), ts: typed.ts, eventId: callback.event_id };
    },
    async directMessage(question) {
      const mark = rig.mark();
      const typed = fake.addMessage({ channel: 'DMEMBER', user: MEMBER, text: question });
      const callback = eventCallback({
        teamId: 'T1',
        event: { type: 'message', channel_type: 'im', user: MEMBER, text: question, ts: typed.ts, channel: 'DMEMBER' },
      });
      await rig.deliverEvent(callback);
      const replied = await rig.replied(callback.event_id);
      return { visible: rig.visibleSince(mark), ts: typed.ts, eventId: callback.event_id, replied };
    },
    async close() {
      await adapter.stop();
      await adapter.drain(5_000);
      await harness.close();
      await fake.close();
    },
  };
  rig.driver = {
    name: `slack (${options.mode === 'socket' ? 'Socket Mode' : 'HTTP mode'})`,
    groq,
    slashAsk: (question) => rig.command('/ask-twin', question),
    mention: async (question) => (await rig.mention(question)).visible,
    usage: (asAdmin) => rig.command('/twin-usage', '', { userId: asAdmin ? ADMIN : MEMBER }),
  };
  return rig;
}

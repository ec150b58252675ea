/**
 * Slack's interactive side for the fake: the Block Kit rules it enforces on the blocks an app posts, updates or
 * stops a stream with (`blocksProblem`: the `context_actions` block with `feedback_buttons`, `actions` blocks of
 * buttons, `markdown` blocks), `views.open` with its trigger_id and view rules, and builders of the payloads Slack
 * sends when a person clicks (`block_actions`) or submits a modal (`view_submission`), delivered over Socket Mode
 * (`interactive` envelope) or HTTP (a signed form with `payload`).
 */
import { randomBytes } from 'node:crypto';
import { postSignedRaw, type SlackHttpResponse } from './slack-signer.js';

interface PlainText {
  type?: unknown;
  text?: unknown;
}

const isPlain = (t: PlainText | undefined, max: number) =>
  t?.type === 'plain_text' && typeof t.text === 'string' && t.text.length > 0 && t.text.length <= max;

/** Slack's answer to blocks it would refuse ('invalid_blocks'), or undefined when they are fine. */
export function blocksProblem(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const block of blocks as Record<string, unknown>[]) {
    const id = block.block_id;
    if (id !== undefined) {
      if (typeof id !== 'string' || id.length > 255 || blockIds.has(id)) return 'invalid_blocks';
      blockIds.add(id);
    }
    const elements = (block.elements ?? []) as Record<string, unknown>[];
    const action = (e: Record<string, unknown>) => {
      const a = e.action_id;
      if (typeof a !== 'string' || a.length > 255 || actionIds.has(a)) return false;
      actionIds.add(a);
      return true;
    };
    if (block.type === 'context_actions') {
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 5) return 'invalid_blocks';
      for (const e of elements) {
        if (e.type !== 'feedback_buttons' && e.type !== 'icon_button') return 'invalid_blocks';
        if (e.type === 'feedback_buttons') {
          for (const button of [e.positive_button, e.negative_button] as Record<string, unknown>[]) {
            if (!button || !isPlain(button.text as PlainText, 75)) return 'invalid_blocks';
            if (typeof button.value !== 'string' || button.value.length === 0 || button.value.length > 2000) {
              return 'invalid_blocks';
            }
          }
          if (!action(e)) return 'invalid_blocks';
        }
      }
    } else if (block.type === 'actions') {
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return 'invalid_blocks';
      for (const e of elements) {
        if (e.type !== 'button') continue;
        if (!isPlain(e.text as PlainText, 75) || !action(e)) return 'invalid_blocks';
        if (e.value !== undefined && (typeof e.value !== 'string' || e.value.length > 2000)) return 'invalid_blocks';
      }
    } else if (block.type === 'markdown') {
      // why: a markdown block holds at most 12 000 characters of text.
      if (typeof block.text !== 'string' || block.text.length === 0 || block.text.length > 12_000) {
        return 'invalid_blocks';
      }
    } else if (block.type === 'feedback_buttons') {
      // why: the element lives only inside a context_actions block.
      return 'invalid_blocks';
    }
  }
  return undefined;
}

/** Trigger ids the fake handed out in interactive payloads; Slack takes each one once, in views.open. */
export class TriggerIds {
  private readonly issued = new Set<string>();
  private readonly used = new Set<string>();

  issue(): string {
    const id = `${Date.now()}.${randomBytes(6).toString('hex')}`;
    this.issued.add(id);
    return id;
  }

  /** Ends a trigger's life, as its 3 seconds passing would. */
  expire(id: string): void {
    this.used.add(id);
  }

  /** Slack's answer to using a trigger id, or undefined when it may be used now (it then is). */
  exchange(id: unknown): string | undefined {
    if (typeof id !== 'string' || !this.issued.has(id)) return 'invalid_trigger_id';
    if (this.used.has(id)) return 'exchanged_trigger_id';
    this.used.add(id);
    return undefined;
  }
}

/** views.open: a modal with Slack's limits (title, submit and close 24 characters; submit required with inputs). */
export function viewProblem(view: unknown): string | undefined {
  const v = view as Record<string, unknown> | undefined;
  if (v?.type !== 'modal' || !isPlain(v.title as PlainText, 24)) return 'invalid_arguments';
  const blocks = v.blocks as Record<string, unknown>[] | undefined;
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > 100) return 'invalid_arguments';
  if (v.submit !== undefined && !isPlain(v.submit as PlainText, 24)) return 'invalid_arguments';
  if (v.close !== undefined && !isPlain(v.close as PlainText, 24)) return 'invalid_arguments';
  if (blocks.some((b) => b.type === 'input') && v.submit === undefined) return 'invalid_arguments';
  if (typeof v.private_metadata === 'string' && v.private_metadata.length > 3000) return 'invalid_arguments';
  if (typeof v.callback_id === 'string' && v.callback_id.length > 255) return 'invalid_arguments';
  for (const b of blocks) {
    if (b.type !== 'input') continue;
    const e = b.element as Record<string, unknown> | undefined;
    if (!isPlain(b.label as PlainText, 2000) || !e || typeof e.action_id !== 'string') return 'invalid_arguments';
    if (e.type === 'plain_text_input' && typeof e.max_length === 'number' && e.max_length > 3000) {
      return 'invalid_arguments';
    }
  }
  return undefined;
}

export interface ClickInput {
  teamId: string;
  userId: string;
  userName?: string;
  channel: string;
  /** The message the button is on, as Slack holds it. */
  message: { ts: string; thread_ts?: string; text: string; blocks?: unknown[] };
  /** The element clicked, from the message's blocks. */
  element: Record<string, unknown>;
  blockId: string;
  /** For feedback_buttons: which of its two buttons. */
  which?: 'positive_button' | 'negative_button';
  triggerId: string;
  responseUrl: string;
}

/** The `block_actions` payload of a click on a button or on one of the feedback buttons. */
export function blockActions(input: ClickInput): Record<string, unknown> {
  const e = input.element;
  const pressed = input.which ? (e[input.which] as { text: unknown; value: string }) : undefined;
  const action = {
    type: e.type,
    block_id: input.blockId,
    action_id: e.action_id,
    action_ts: `${(Date.now() / 1000).toFixed(6)}`,
    ...(pressed ? { text: pressed.text, value: pressed.value } : { text: e.text, value: e.value }),
  };
  return {
    type: 'block_actions',
    user: {
      id: input.userId,
      username: input.userName ?? input.userId.toLowerCase(),
      name: input.userName ?? input.userId.toLowerCase(),
      team_id: input.teamId,
    },
    api_app_id: 'AFAKEAPP',
    token: 'verification-token-unused',
    container: {
      type: 'message',
      message_ts: input.message.ts,
      channel_id: input.channel,
      is_ephemeral: false,
      ...(input.message.thread_ts && { thread_ts: input.message.thread_ts }),
    },
    trigger_id: input.triggerId,
    team: { id: input.teamId, domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channel, name: 'general' },
    message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', ...input.message },
    state: { values: {} },
    response_url: input.responseUrl,
    actions: [action],
  };
}

/** The `view_submission` payload of a modal the app opened, with the person's input values. */
export function viewSubmission(input: {
  teamId: string;
  userId: string;
  view: Record<string, unknown>;
  values: Record<string, Record<string, string | null>>;
}): Record<string, unknown> {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [block, actions] of Object.entries(input.values)) {
    state[block] = Object.fromEntries(
      Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]),
    );
  }
  return {
    type: 'view_submission',
    team: { id: input.teamId, domain: 'fake' },
    user: {
      id: input.userId,
      username: input.userId.toLowerCase(),
      name: input.userId.toLowerCase(),
      team_id: input.teamId,
    },
    api_app_id: 'AFAKEAPP',
    token: 'verification-token-unused',
    trigger_id: `${Date.now()}.submit`,
    view: {
      id: `V${randomBytes(4).toString('hex').toUpperCase()}`,
      team_id: input.teamId,
      app_id: 'AFAKEAPP',
      bot_id: 'BBOT',
      hash: '1.abc',
      ...input.view,
      state: { values: state },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Interactive payloads over HTTP: a signed form with one `payload` field holding the JSON. */
export function postInteractive(
  eventsUrl: string,
  signingSecret: string,
  payload: Record<string, unknown>,
): Promise<SlackHttpResponse> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSignedRaw(eventsUrl, signingSecret, body, 'application/x-www-form-urlencoded');
}

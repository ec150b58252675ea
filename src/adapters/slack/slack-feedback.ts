/**
 * 👍/👎 and follow-up suggestions under a Slack answer (issue 16.3-4): the blocks (pure functions of the answer, so
 * however the final message is rendered, they are appended in one place), and the listeners for their clicks.
 * A 👍 is thanked privately; a 👎 opens a modal for an optional short reason (views.open with the click's trigger
 * id), recorded on submit; a follow-up button asks its question in the answer's thread through the normal ask path.
 * The core decides everything (whose request it is, once per person, what to say); this file only translates.
 */
import type { App, BlockAction, ButtonAction, FeedbackButtonsAction, ViewSubmitAction } from '@slack/bolt';
import { MAX_REASON_CHARS } from '../../core/answer-feedback.js';
import type { Logger } from '../../core/ports.js';
import { slackTenant } from '../../core/tenant.js';
import type { TwinService } from '../../core/twin-service.js';
import type { Answer, Vote } from '../../core/types.js';
import type { SlackReplies } from './slack-replies.js';

export const FEEDBACK_ACTION = 'twin_feedback';
export const FOLLOW_UP_ACTION = /^twin_follow_up_(\d)$/;
export const REASON_VIEW = 'twin_feedback_reason';
const REASON_BLOCK = 'reason';
const REASON_INPUT = 'reason_text';

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });

/** The feedback row (Slack's `context_actions` block with a `feedback_buttons` element). */
export interface FeedbackBlock {
  type: 'context_actions';
  block_id: string;
  elements: {
    type: 'feedback_buttons';
    action_id: string;
    positive_button: { text: PlainText; accessibility_label: string; value: string };
    negative_button: { text: PlainText; accessibility_label: string; value: string };
  }[];
}

/** The follow-up buttons (an `actions` block). */
export interface FollowUpBlock {
  type: 'actions';
  block_id: string;
  elements: { type: 'button'; action_id: string; text: PlainText; value: string }[];
}

export type AnswerActionBlock = FeedbackBlock | FollowUpBlock;

/** A button value: the vote and the request id; only the id, never the tenant (the click carries its own team). */
const voteValue = (vote: Vote, requestId: string) => `${vote === 'helpful' ? 'up' : 'down'}:${requestId}`;

function readVote(value: string): { vote: Vote; requestId: string } | undefined {
  const m = /^(up|down):(.{1,64})$/.exec(value);
  return m ? { vote: m[1] === 'up' ? 'helpful' : 'not_helpful', requestId: m[2]! } : undefined;
}

/**
 * The blocks under a final answer: 👍/👎 when the answer has a request to vote on, and up to three follow-up
 * questions. Each button's value is the request id and the suggestion's index, not the question.
 */
export function answerActionBlocks(answer: Answer): AnswerActionBlock[] {
  const id = answer.requestId;
  if (id === undefined) return [];
  const blocks: AnswerActionBlock[] = [
    {
      type: 'context_actions',
      block_id: 'twin-feedback',
      elements: [
        {
          type: 'feedback_buttons',
          action_id: FEEDBACK_ACTION,
          positive_button: {
            text: plain('👍'),
            accessibility_label: 'This answer helped',
            value: voteValue('helpful', id),
          },
          negative_button: {
            text: plain('👎'),
            accessibility_label: "This answer didn't help",
            value: voteValue('not_helpful', id),
          },
        },
      ],
    },
  ];
  const followUps = (answer.followUps ?? []).slice(0, 3);
  if (followUps.length > 0) {
    blocks.push({
      type: 'actions',
      block_id: 'twin-follow-ups',
      elements: followUps.map((question, index) => ({
        type: 'button',
        action_id: `twin_follow_up_${index}`,
        // why: plain_text is never parsed for mentions or links; Slack's button text holds 75 characters.
        text: { type: 'plain_text', text: question.slice(0, 75), emoji: false },
        value: `${id}:${index}`,
      })),
    });
  }
  return blocks;
}

/** The modal asking why an answer did not help: one optional, short text input. */
export function reasonModal(requestId: string) {
  return {
    type: 'modal' as const,
    callback_id: REASON_VIEW,
    private_metadata: requestId,
    title: plain('Thanks for the feedback'),
    submit: plain('Send'),
    close: plain('Skip'),
    blocks: [
      {
        type: 'input' as const,
        block_id: REASON_BLOCK,
        optional: true,
        label: plain('What was wrong or missing? (optional)'),
        element: {
          type: 'plain_text_input' as const,
          action_id: REASON_INPUT,
          max_length: MAX_REASON_CHARS,
          placeholder: plain('A few words are plenty'),
        },
      },
    ],
  };
}

export interface AnswerActionDeps {
  twin: TwinService;
  replies: SlackReplies;
  /** Runs a handler's work as one tracked job that never throws into Bolt. */
  track: (what: string, work: () => Promise<void>) => Promise<void>;
  log: Logger;
}

const tenantOf = (body: {
  team?: { id?: string } | null;
  enterprise?: { id?: string } | null;
  user?: { team_id?: string };
}) => slackTenant(body.team?.id ?? body.user?.team_id ?? '', body.enterprise?.id ?? undefined);

/** Registers the listeners for 👍/👎, the reason modal and the follow-up buttons. */
export function registerAnswerActions(app: App, deps: AnswerActionDeps): void {
  app.action<BlockAction<FeedbackButtonsAction>>(FEEDBACK_ACTION, ({ ack, body, action, client, respond }) =>
    deps.track('feedback', async () => {
      await ack();
      const read = readVote(action.value);
      const tenant = tenantOf(body);
      const result = read
        ? await deps.twin.feedback({
            platform: 'slack',
            tenantId: tenant.key,
            userId: body.user.id,
            requestId: read.requestId,
            vote: read.vote,
          })
        : { kind: 'refused' as const, message: 'That button is not one of mine any more.' };
      deps.log.info(
        { event: 'slack.feedback', tenant: tenant.key, vote: read?.vote, outcome: result.kind },
        'feedback click handled',
      );
      if (result.kind === 'recorded' && result.vote === 'not_helpful' && read) {
        try {
          // why: a trigger_id lives 3 seconds; the modal opens right after the vote is stored.
          await client.views.open({ trigger_id: body.trigger_id, view: reasonModal(read.requestId) });
          return;
        } catch (err) {
          deps.log.warn({ event: 'slack.reason_modal_failed', err }, 'could not open the reason modal');
        }
      }
      const text = result.kind === 'recorded' ? result.text : result.message;
      await respond({ response_type: 'ephemeral', replace_original: false, text });
    }),
  );

  app.view<ViewSubmitAction>(REASON_VIEW, ({ ack, body, view }) =>
    deps.track('feedback_reason', async () => {
      await ack();
      const reason = view.state.values[REASON_BLOCK]?.[REASON_INPUT]?.value ?? undefined;
      const tenant = tenantOf(body);
      const result = await deps.twin.feedback({
        platform: 'slack',
        tenantId: tenant.key,
        userId: body.user.id,
        requestId: view.private_metadata,
        vote: 'not_helpful',
        ...(reason && { reason }),
      });
      deps.log.info(
        { event: 'slack.feedback_reason', tenant: tenant.key, outcome: result.kind, reason: Boolean(reason) },
        'feedback reason handled',
      );
    }),
  );

  app.action<BlockAction<ButtonAction>>(FOLLOW_UP_ACTION, ({ ack, body, action, client, respond }) =>
    deps.track('follow_up', async () => {
      await ack();
      const m = /^(.{1,64}):(\d)$/.exec(action.value ?? '');
      const tenant = tenantOf(body);
      // why: a value that is no reference of ours names no offer, so the core refuses it in its own words (STYLE 2).
      const taken = await deps.twin.takeFollowUp({
        tenantId: tenant.key,
        userId: body.user.id,
        requestId: m?.[1] ?? '',
        index: m ? Number(m[2]) : 0,
      });
      const channel = body.channel?.id;
      if (taken.kind === 'refused' || !channel) {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text: taken.kind === 'refused' ? taken.message : 'I cannot answer here; ask me in a channel or a DM.',
        });
        return;
      }
      // why: the answer goes in the thread of the message the buttons are on (a top-level answer starts one).
      const message = body.message as { ts?: string; thread_ts?: string } | undefined;
      const threadTs = message?.thread_ts ?? message?.ts;
      await deps.replies.ask({
        client,
        teamId: tenant.id,
        enterpriseId: tenant.enterpriseId,
        channel,
        userId: body.user.id,
        userName: body.user.name,
        command: 'thread',
        question: taken.question,
        threadTs,
        // The click is not a visible message: show who asked what above the answer.
        header: { asker: body.user.name ?? body.user.id, question: taken.question },
        respond: threadTs === undefined ? respond : undefined,
        ref: `follow-up:${action.action_ts}`,
      });
    }),
  );
}

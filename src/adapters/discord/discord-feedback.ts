/**
 * 👍/👎 and follow-up suggestions under a Discord answer (issue 16.3-4): the action rows (pure functions of the
 * answer, appended to the last message of the final answer in one place), and the handlers of their clicks. A 👍 is
 * thanked ephemerally; a 👎 opens a modal with one optional short text input, recorded on submit; a follow-up
 * button asks its question in the same reply chain (a reply to the message it is on) or, where the bot answered
 * through an interaction, as a reply to the click. custom_ids carry the request id and an index, never the tenant
 * nor the question (100 characters at most). The core decides; this file translates.
 */
import {
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIModalInteractionResponseCallbackData,
  type ButtonInteraction,
  ButtonStyle,
  ComponentType,
  type Interaction,
  MessageFlags,
  type ModalSubmitInteraction,
  TextInputStyle,
} from 'discord.js';
import { MAX_REASON_CHARS } from '../../core/answer-feedback.js';
import type { Logger } from '../../core/ports.js';
import type { TwinService } from '../../core/twin-service.js';
import type { Answer, AskRequest, Vote } from '../../core/types.js';
import { answerTextOf, interactionAsker, interactionTenant, messageText, readReplyChain } from './discord-facts.js';
import { NO_MENTIONS } from './discord-render.js';
import { type DiscordTarget, InteractionTarget, MessageTarget } from './discord-targets.js';
import { safeError } from './safe-error.js';

const VOTE = /^twin:fb:(up|down):([0-9a-f-]{36})$/;
const FOLLOW_UP = /^twin:fu:([0-9a-f-]{36}):(\d)$/;
const REASON_MODAL = /^twin:fbr:([0-9a-f-]{36})$/;
const REASON_INPUT = 'reason';

/** why: Discord's button label holds 80 characters. */
const LABEL_LIMIT = 80;

export type AnswerRow = APIActionRowComponent<APIButtonComponent>;

/** The rows under a final answer: 👍/👎 when the answer has a request to vote on, then up to three follow-ups. */
export function answerComponents(answer: Answer): AnswerRow[] {
  const id = answer.requestId;
  if (id === undefined) return [];
  const rows: AnswerRow[] = [
    {
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          emoji: { name: '👍' },
          custom_id: `twin:fb:up:${id}`,
        },
        {
          type: ComponentType.Button,
          style: ButtonStyle.Secondary,
          emoji: { name: '👎' },
          custom_id: `twin:fb:down:${id}`,
        },
      ],
    },
  ];
  const followUps = (answer.followUps ?? []).slice(0, 3);
  if (followUps.length > 0) {
    rows.push({
      type: ComponentType.ActionRow,
      components: followUps.map((question, index) => ({
        type: ComponentType.Button,
        style: ButtonStyle.Primary,
        // why: labels are plain text (no mentions, no markdown), so a question shows as written.
        label: question.slice(0, LABEL_LIMIT),
        custom_id: `twin:fu:${id}:${index}`,
      })),
    });
  }
  return rows;
}

/** The modal after 👎: one short, optional text input. */
export function reasonModal(requestId: string): APIModalInteractionResponseCallbackData {
  return {
    custom_id: `twin:fbr:${requestId}`,
    title: 'Thanks for the feedback',
    components: [
      {
        type: ComponentType.Label,
        label: 'What was wrong or missing? (optional)',
        component: {
          type: ComponentType.TextInput,
          custom_id: REASON_INPUT,
          style: TextInputStyle.Short,
          required: false,
          max_length: MAX_REASON_CHARS,
          placeholder: 'A few words are plenty',
        },
      },
    ],
  };
}

export interface DiscordAnswerActionsDeps {
  twin: TwinService;
  log: Logger;
  /** The bot's user id, once connected (to read a reply chain). */
  botId: () => string | undefined;
  /** The adapter's ask path: reads the request, asks the twin and presents the reply on the target. */
  ask: (target: DiscordTarget, channelId: string, read: () => Promise<AskRequest>) => Promise<void>;
}

export class DiscordAnswerActions {
  constructor(private readonly deps: DiscordAnswerActionsDeps) {}

  /** Handles a click or modal of ours; false for any other interaction. */
  async handle(interaction: Interaction): Promise<boolean> {
    if (interaction.isButton()) {
      const vote = VOTE.exec(interaction.customId);
      if (vote) {
        await this.vote(interaction, vote[1] === 'up' ? 'helpful' : 'not_helpful', vote[2]!);
        return true;
      }
      const followUp = FOLLOW_UP.exec(interaction.customId);
      if (followUp) {
        await this.followUp(interaction, followUp[1]!, Number(followUp[2]));
        return true;
      }
      return false;
    }
    if (interaction.isModalSubmit()) {
      const reason = REASON_MODAL.exec(interaction.customId);
      if (!reason) return false;
      await this.reason(interaction, reason[1]!);
      return true;
    }
    return false;
  }

  private async vote(interaction: ButtonInteraction, vote: Vote, requestId: string): Promise<void> {
    // why: the same tenant rule as the request the buttons answer (the server's only where the server added the
    // bot), so a vote on a user-installed answer in a DM or a foreign server matches its request's tenant.
    const tenantId = interactionTenant(interaction).key;
    const result = await this.deps.twin.feedback({
      platform: 'discord',
      tenantId,
      userId: interaction.user.id,
      requestId,
      vote,
    });
    this.deps.log.info({ event: 'discord.feedback', tenant: tenantId, vote, outcome: result.kind }, 'feedback click');
    // why: a modal can only be the first response to the click (within 3 s), never after a reply.
    if (result.kind === 'recorded' && vote === 'not_helpful') {
      await interaction.showModal(reasonModal(requestId));
      return;
    }
    const content = result.kind === 'recorded' ? result.text : result.message;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  }

  private async reason(interaction: ModalSubmitInteraction, requestId: string): Promise<void> {
    const tenantId = interactionTenant(interaction).key;
    let reason: string | undefined;
    try {
      reason = interaction.fields.getTextInputValue(REASON_INPUT) || undefined;
    } catch {
      reason = undefined; // an empty optional input may be left out of the submission
    }
    const result = await this.deps.twin.feedback({
      platform: 'discord',
      tenantId,
      userId: interaction.user.id,
      requestId,
      vote: 'not_helpful',
      ...(reason && { reason }),
    });
    this.deps.log.info(
      { event: 'discord.feedback_reason', tenant: tenantId, outcome: result.kind, reason: Boolean(reason) },
      'feedback reason',
    );
    const content = result.kind === 'recorded' ? result.text : result.message;
    await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  }

  private async followUp(interaction: ButtonInteraction, requestId: string, index: number): Promise<void> {
    const tenant = interactionTenant(interaction);
    const taken = await this.deps.twin.takeFollowUp({
      tenantId: tenant.key,
      userId: interaction.user.id,
      requestId,
      index,
    });
    if (taken.kind === 'refused') {
      await interaction.reply({ content: taken.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const request = (): AskRequest => ({
      ...interactionAsker(interaction),
      command: interaction.inGuild() ? 'mention' : 'dm',
      question: taken.question,
    });
    const message = interaction.message;
    // why: an answer to a mention is a plain reply; continue its chain with a reply to it, so the reply chain (and
    // the conversation history read from it) goes on. An answer through an interaction (a slash command, possibly
    // user-installed where the bot cannot post, or an earlier follow-up) is continued through this click's own
    // interaction token, never the channel.
    const botId = this.deps.botId();
    if (message.interactionMetadata === null && botId && interaction.channel?.isSendable()) {
      await interaction.deferUpdate();
      const target = new MessageTarget(message, this.deps.log);
      target.startTyping();
      try {
        await this.deps.ask(target, interaction.channelId, async () => {
          const chain = await readReplyChain(message, botId).catch((err: unknown) => {
            this.deps.log.warn({ event: 'discord.history_failed', err: safeError(err) }, 'reply chain not read');
            return [];
          });
          // The chain above the answer, and the answer the buttons are on (its text displays: a V2 message).
          const own = answerTextOf(messageText(message));
          const history = own === '' ? chain : [...chain, { role: 'twin' as const, text: own }];
          return { ...request(), ...(history.length > 0 && { history }) };
        });
      } finally {
        target.stop();
      }
      return;
    }
    await interaction.deferReply();
    await this.deps.ask(new InteractionTarget(interaction), interaction.channelId, async () => ({
      ...request(),
      command: 'ask-twin',
    }));
  }
}

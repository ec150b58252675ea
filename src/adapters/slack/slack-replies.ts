/**
 * Calls the twin for one Slack request and shows what comes back: an answer through the core's reply presenter on a
 * `SlackStreamSurface` (native streaming, where the place and the workspace allow it) or a `SlackSurface`
 * (post-and-update), a usage
 * report or a quota change privately through the response_url (the report's chart by DM). The only platform fact
 * read here is the admin bit (users.info).
 */
import type { webApi } from '@slack/bolt';
import { asTwinError } from '../../core/errors.js';
import { fromError } from '../../core/failure-messages.js';
import type { Logger } from '../../core/ports.js';
import type { ReplyPresenter } from '../../core/reply-presenter.js';
import { slackTenant } from '../../core/tenant.js';
import type { TwinService } from '../../core/twin-service.js';
import type { AskCommand, Turn, UsageResult } from '../../core/types.js';
import type { WriteBudgets, WriteRate } from '../../core/write-budget.js';
import { runOperatorCommand } from './operator-command.js';
import { CHART_SENT_NOTE, sendChartToDm } from './slack-chart-upload.js';
import { slackErrorCode } from './slack-errors.js';
import type { QuestionHeader, SlackMessage } from './slack-render.js';
import { renderNote, renderReport } from './slack-render.js';
import { SlackStreamSurface } from './slack-stream-surface.js';
import type { ReplyOutcome, ResponseMessage } from './slack-surface.js';
import { SlackSurface } from './slack-surface.js';
import { suggestedPrompts } from './suggested-prompts.js';
import { parseUsageCommand, type UsageCommand } from './usage-command.js';
import { WorkspaceRefusals } from './workspace-refusals.js';

/** Bolt's `respond` for a command: posts to its response_url. */
export type Respond = (message: ResponseMessage) => Promise<unknown>;

/** One question as read from a Slack payload. */
export interface AskInput {
  client: webApi.WebClient;
  teamId: string;
  enterpriseId?: string;
  channel: string;
  userId: string;
  userName?: string;
  command: AskCommand;
  question: string;
  history?: Turn[];
  /** Answer in this thread; absent: at the top of the channel. */
  threadTs?: string;
  /** A direct message to the bot: a top-level one is streamed in the thread of the asker's message. */
  dm?: boolean;
  /** The asker's message (events), for streaming under a top-level direct message. */
  messageTs?: string;
  header?: QuestionHeader;
  /** Slash commands: the response_url, for refusals and for channels the bot cannot post in. */
  respond?: Respond;
  /** For the log line that closes the request: event_id or trigger_id. */
  ref: string;
}

export interface UsageInput {
  client: webApi.WebClient;
  teamId: string;
  userId: string;
  /** The command text: empty, a window (`7d`), `report 30d`, `quota …`, `alerts …` or `dashboard`. */
  text: string;
  /** The channel the command was typed in (`/twin-usage alerts here`). */
  channelId?: string;
  respond: Respond;
  ref: string;
}

/** How answers are written: native streaming (on by default) and the post-and-update path's pace. */
export interface ReplyWriting {
  /** Least time between two chat.update edits of one answer (post-and-update path). */
  intervalMs: number;
  rate?: WriteRate;
  /** Stream with chat.startStream/appendStream/stopStream where Slack allows it. */
  nativeStreaming: boolean;
  /** Least time between two appends of one streamed answer. */
  appendIntervalMs: number;
  /** chat.appendStream calls per workspace (Tier 4), from `appendBudgets`. */
  appendRate: WriteRate;
  appendBudgets: WriteBudgets;
  /** How long a workspace's refusal to stream is remembered. */
  refusalMemoryMs: number;
  now: () => number;
}

export class SlackReplies {
  /** Teams where assistant.threads.setStatus was refused: they get placeholder messages and no streaming. */
  private readonly noAssistantStatus = new Set<string>();
  /** Teams where chat.startStream was refused, for a while. */
  private readonly noStreaming: WorkspaceRefusals;

  constructor(
    private readonly twin: TwinService,
    private readonly log: Logger,
    private readonly presenter: ReplyPresenter,
    private readonly updates: ReplyWriting,
  ) {
    this.noStreaming = new WorkspaceRefusals(updates.refusalMemoryMs, updates.now);
  }

  async ask(input: AskInput): Promise<ReplyOutcome> {
    const started = Date.now();
    const abort = new AbortController();
    const teamKey = input.teamId;
    const tenant = slackTenant(input.teamId, input.enterpriseId);
    const events = this.twin.ask({
      platform: 'slack',
      tenantId: tenant.key,
      tenant,
      enterpriseId: input.enterpriseId,
      channelId: input.channel,
      userId: input.userId,
      userName: input.userName,
      command: input.command,
      question: input.question,
      history: input.history,
      signal: abort.signal,
    });
    const surface = new SlackSurface({
      client: input.client,
      teamId: input.teamId,
      channel: input.channel,
      threadTs: input.threadTs,
      header: input.header,
      updateIntervalMs: this.updates.intervalMs,
      updateRate: this.updates.rate,
      assistantStatus: {
        enabled: !this.noAssistantStatus.has(teamKey),
        unavailable: () => this.noAssistantStatus.add(teamKey),
      },
      respond: input.respond,
      privateRefusals: input.respond !== undefined,
      abort,
      logger: this.log,
    });
    const stream = this.streamSurface(input, surface);
    const shown = await this.presenter.present(events, stream ?? surface);
    const outcome =
      shown.kind === 'final'
        ? surface.outcome('answered')
        : shown.kind === 'failure'
          ? surface.outcome('failed', shown.code)
          : surface.outcome(shown.shown ? 'failed' : 'undelivered', 'internal');
    this.log.info(
      {
        event: 'slack.replied',
        ref: input.ref,
        command: input.command,
        tenant: `slack:${input.teamId}`,
        channel: input.channel,
        ...outcome,
        streamed: stream?.streamStarted ?? false,
        ms: Date.now() - started,
      },
      `slack reply ${outcome.outcome}`,
    );
    return outcome;
  }

  /**
   * A native stream for this answer, when it can have one: a reply in a thread, or under a top-level direct message
   * (Slack streams only replies), in a workspace that has not refused streaming or the assistant status lately.
   * Slash commands keep the post-and-update path: their answers sit at the top of the channel, beside a response_url.
   */
  private streamSurface(input: AskInput, fallback: SlackSurface): SlackStreamSurface | undefined {
    const threadTs = input.threadTs ?? (input.dm ? input.messageTs : undefined);
    const team = input.teamId;
    if (!this.updates.nativeStreaming || threadTs === undefined || input.respond) return undefined;
    if (this.noStreaming.refused(team) || this.noAssistantStatus.has(team)) return undefined;
    return new SlackStreamSurface({
      client: input.client,
      channel: input.channel,
      threadTs,
      // why: outside a direct message Slack streams to one person and needs their ids.
      recipient: input.dm ? undefined : { userId: input.userId, teamId: team },
      fallback,
      header: input.header,
      appendIntervalMs: this.updates.appendIntervalMs,
      appendBudget: this.updates.appendBudgets.for(`slack:${team}:append`, this.updates.appendRate),
      refused: () => this.noStreaming.refuse(team),
      statusUnavailable: () => this.noAssistantStatus.add(team),
      logger: this.log,
    });
  }

  /** A new assistant thread (the app's DM / agent view): offer the profile's example questions as prompts. */
  async threadStarted(client: webApi.WebClient, channel: string, threadTs: string, ref: string): Promise<void> {
    const { title, prompts } = suggestedPrompts(this.twin.profile);
    if (prompts.length === 0) return;
    try {
      await client.assistant.threads.setSuggestedPrompts({ channel_id: channel, thread_ts: threadTs, title, prompts });
      this.log.info({ event: 'slack.prompts_suggested', ref, prompts: prompts.length }, 'suggested prompts sent');
    } catch (err) {
      this.log.warn({ event: 'slack.prompts_failed', ref, code: slackErrorCode(err) }, 'could not suggest prompts');
    }
  }

  /** `/twin-usage [report] [window]` or `/twin-usage quota …`, answered privately through the response_url. */
  async usage({ client, teamId, userId, text, respond, ref, channelId }: UsageInput): Promise<void> {
    const command = parseUsageCommand(text);
    const messages =
      command.kind === 'hint'
        ? [renderNote(command.text, 'failure')]
        : await this.runUsage(command, client, teamId, userId, channelId);
    for (const message of messages) await respond({ ...message, response_type: 'ephemeral' });
    this.log.info(
      { event: 'slack.replied', ref, command: 'twin-usage', kind: command.kind, messages: messages.length },
      'usage answered',
    );
  }

  /** A report, or a quota change: the core's words as they are, the refusals as plain notes. */
  private async runUsage(
    command: Exclude<UsageCommand, { kind: 'hint' }>,
    client: webApi.WebClient,
    teamId: string,
    userId: string,
    channelId?: string,
  ): Promise<SlackMessage[]> {
    const asker = {
      platform: 'slack' as const,
      tenantId: `slack:${teamId}`,
      userId,
      isPlatformAdmin: await this.isWorkspaceAdmin(client, userId),
    };
    try {
      if (command.kind === 'alerts' || command.kind === 'dashboard') {
        const result = await runOperatorCommand(this.twin, command, asker, channelId);
        return result.kind === 'done' ? renderReport(result.text) : [renderNote(result.message, 'failure')];
      }
      if (command.kind === 'quota') {
        const result = await this.twin.setQuota({ ...asker, change: command.change });
        return result.kind === 'updated' ? renderReport(result.text) : [renderNote(result.message, 'failure')];
      }
      const result = await this.twin.usage({ ...asker, window: command.window });
      return result.kind === 'report'
        ? renderReport(await this.reportText(client, userId, result))
        : [renderNote(result.message, 'failure')];
    } catch (err) {
      const e = asTwinError(err, 'storage');
      this.log.error({ event: 'slack.usage_failed', err: e, code: e.code, kind: command.kind }, 'usage command failed');
      return [renderNote(fromError(e, 0).message, 'failure')];
    }
  }

  /** The report's text; with a chart, the chart goes to the asker's DM first and the text says so. */
  private async reportText(
    client: webApi.WebClient,
    userId: string,
    result: Extract<UsageResult, { kind: 'report' }>,
  ): Promise<string> {
    if (!result.chart) return result.text;
    const title = result.text.split('\n', 1)[0] ?? 'Twin usage';
    const sent = await sendChartToDm({ client, userId, chart: result.chart, title, log: this.log });
    return sent ? `${result.text}\n\n${CHART_SENT_NOTE}` : result.text;
  }

  /** The platform's admin fact: users.info is_admin / is_owner / is_primary_owner. */
  private async isWorkspaceAdmin(client: webApi.WebClient, userId: string): Promise<boolean> {
    try {
      const { user } = await client.users.info({ user: userId });
      return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
    } catch (err) {
      this.log.warn({ event: 'slack.users_info_failed', code: slackErrorCode(err) }, 'users.info failed');
      return false;
    }
  }
}

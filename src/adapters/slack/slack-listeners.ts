/**
 * Reads the platform facts from each Slack payload (tenant, user, question without the mention, thread history)
 * and hands the request to `SlackReplies`: `/ask-twin`, `/twin-usage`, @mentions, follow-ups in the twin's threads
 * and direct messages (assistant threads of the app's DM / agent view included, whose start gets suggested prompts);
 * deletes installations on `app_uninstalled` / `tokens_revoked`. Each event is answered once.
 */
import { type App, ErrorCode, type InstallationStore, type webApi } from '@slack/bolt';
import { notInstalled } from '../../core/failure-messages.js';
import type { Logger } from '../../core/ports.js';
import type { Turn } from '../../core/types.js';
import { type AnsweredThreads, MemoryAnsweredThreads } from './answered-threads.js';
import type { EventDedupeStore } from './event-dedupe.js';
import { slackErrorCode } from './slack-errors.js';
import { renderNote } from './slack-render.js';
import type { Respond, SlackReplies } from './slack-replies.js';
import type { BotIdentity } from './thread-history.js';
import { fetchThreadTurns, questionText, THREAD_LIMITS } from './thread-history.js';

/** Bolt's error handler that receives the body too (its type is not exported; the last overload of `error`). */
type ExtendedErrorHandler = Parameters<App['error']>[0];

export interface ListenerDeps {
  replies: SlackReplies;
  dedupe: EventDedupeStore;
  /** Threads the twin answered in (replies there are follow-ups); default in this process only. */
  threads?: AnsweredThreads;
  /** The bot's identity from auth.test (single-workspace set-up); installations carry their own. */
  identity: () => BotIdentity;
  installationStore?: InstallationStore;
  /** Runs a handler's work as one tracked job that never throws into Bolt. */
  track: (what: string, work: () => Promise<void>) => Promise<void>;
  log: Logger;
}

export class SlackListeners {
  private readonly threads: AnsweredThreads;
  private readonly log: Logger;
  private readonly track: ListenerDeps['track'];

  constructor(private readonly deps: ListenerDeps) {
    this.log = deps.log;
    this.track = deps.track;
    this.threads = deps.threads ?? new MemoryAnsweredThreads();
  }

  register(app: App): void {
    app.command('/ask-twin', ({ command, ack, respond, client }) =>
      this.track('ask-twin', async () => {
        await ack();
        await this.deps.replies.ask({
          client,
          teamId: command.team_id,
          enterpriseId: command.enterprise_id,
          channel: command.channel_id,
          userId: command.user_id,
          userName: command.user_name,
          command: 'ask-twin',
          question: questionText(command.text, undefined),
          header: { asker: command.user_name, question: questionText(command.text, undefined) },
          respond: respond as Respond,
          ref: command.trigger_id,
        });
      }),
    );

    app.command('/twin-usage', ({ command, ack, respond, client }) =>
      this.track('twin-usage', async () => {
        await ack();
        await this.deps.replies.usage({
          client,
          teamId: command.team_id,
          userId: command.user_id,
          channelId: command.channel_id,
          text: command.text,
          respond: respond as Respond,
          ref: command.trigger_id,
        });
      }),
    );

    app.event('app_mention', ({ event, body, client, context }) =>
      this.track('app_mention', async () => {
        // why: another bot (or an integration) mentioning the twin is not a person asking; answering could loop.
        if ((event as { bot_id?: string }).bot_id || !event.user) return;
        if (await this.duplicate(body, `${event.channel}:${event.ts}`, context.retryNum)) return;
        const self = this.self(context);
        const threadTs = event.thread_ts ?? event.ts;
        const history = event.thread_ts
          ? await this.history(client, event.channel, event.thread_ts, event.ts, self)
          : undefined;
        await this.threads.add(`${body.team_id}:${event.channel}:${threadTs}`);
        await this.deps.replies.ask({
          client,
          teamId: body.team_id ?? context.teamId ?? '',
          enterpriseId: body.enterprise_id ?? context.enterpriseId,
          channel: event.channel,
          userId: event.user ?? '',
          userName: event.user_profile?.display_name || event.user_profile?.real_name || undefined,
          command: 'mention',
          question: questionText(event.text, self.botUserId),
          history,
          threadTs,
          ref: body.event_id,
        });
      }),
    );

    app.message(({ message, body, client, context }) =>
      this.track('message', async () => {
        const m = message as {
          subtype?: string;
          bot_id?: string;
          channel: string;
          channel_type?: string;
          user?: string;
          text?: string;
          ts: string;
          thread_ts?: string;
          parent_user_id?: string;
        };
        if ((m.subtype && m.subtype !== 'thread_broadcast') || m.bot_id || !m.user) return;
        const self = this.self(context);
        const dm = m.channel_type === 'im';
        const inThread = m.thread_ts !== undefined && m.thread_ts !== m.ts;
        if (!dm) {
          // why: a reply that mentions the bot also arrives as app_mention, which answers it.
          if (!inThread || (self.botUserId && (m.text ?? '').includes(`<@${self.botUserId}`))) return;
          const ours =
            m.parent_user_id === self.botUserId ||
            (await this.threads.has(`${body.team_id}:${m.channel}:${m.thread_ts}`));
          if (!ours) return;
        }
        if (await this.duplicate(body, `${m.channel}:${m.ts}`, context.retryNum)) return;
        const history = inThread ? await this.history(client, m.channel, m.thread_ts!, m.ts, self) : undefined;
        await this.deps.replies.ask({
          client,
          teamId: body.team_id ?? context.teamId ?? '',
          enterpriseId: body.enterprise_id ?? context.enterpriseId,
          channel: m.channel,
          userId: m.user,
          command: dm ? 'dm' : 'thread',
          question: questionText(m.text ?? '', self.botUserId),
          history,
          threadTs: inThread ? m.thread_ts : undefined,
          dm,
          messageTs: m.ts,
          ref: body.event_id,
        });
      }),
    );

    // why: the app's DM / agent view opens a thread with this event; suggested prompts show what the twin knows.
    app.event('assistant_thread_started', ({ event, body, client, context }) =>
      this.track('assistant_thread_started', async () => {
        const thread = event.assistant_thread;
        if (await this.duplicate(body, `${thread.channel_id}:${thread.thread_ts}:started`, context.retryNum)) return;
        await this.deps.replies.threadStarted(client, thread.channel_id, thread.thread_ts, body.event_id);
      }),
    );

    app.event('app_uninstalled', ({ body, context }) =>
      this.track('app_uninstalled', () =>
        this.uninstall(body.team_id, body.enterprise_id, context.isEnterpriseInstall),
      ),
    );
    app.event('tokens_revoked', ({ event, body, context }) =>
      this.track('tokens_revoked', async () => {
        if ((event.tokens.bot ?? []).length > 0) {
          await this.uninstall(body.team_id, body.enterprise_id, context.isEnterpriseInstall);
        }
      }),
    );

    // The app is built with `extendedErrorHandler`, so the handler gets the request body beside the error.
    const onError: ExtendedErrorHandler = async ({ error, body }) => {
      this.log.warn({ event: 'slack.bolt_error', code: error.code, err: error }, 'bolt reported an error');
      // why: without an installation Bolt acks a command with an empty 200 and the person sees nothing at all.
      if (error.code === ErrorCode.AuthorizationError) void this.track('not_installed', () => this.notInstalled(body));
    };
    app.error(onError);
  }

  /** A slash command from a workspace with no installation: say so privately, through its response_url. */
  private async notInstalled(body: unknown): Promise<void> {
    const command = body as { command?: unknown; response_url?: unknown; team_id?: unknown; trigger_id?: unknown };
    if (typeof command.command !== 'string' || typeof command.response_url !== 'string') return;
    // why: the response_url needs no token (there is none here); it came in the signed request, so it is Slack's.
    const res = await fetch(command.response_url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...renderNote(notInstalled(), 'failure'), response_type: 'ephemeral' }),
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    this.log.info(
      {
        event: 'slack.replied',
        ref: command.trigger_id,
        command: command.command,
        tenant: `slack:${String(command.team_id ?? '')}`,
        outcome: 'not_installed',
        status: res.status,
      },
      'told the asker the app needs to be reinstalled',
    );
  }

  private self(context: { botUserId?: string; botId?: string }): BotIdentity {
    return {
      botUserId: context.botUserId ?? this.deps.identity().botUserId,
      botId: context.botId ?? this.deps.identity().botId,
    };
  }

  /** True when this event (or the same message through another event) was handled already. */
  private async duplicate(body: { event_id: string }, messageKey: string, retryNum?: number): Promise<boolean> {
    try {
      // why: both ids in one atomic claim; claimed one at a time, two replicas could each win one and both skip.
      if (await this.deps.dedupe.seen(`event:${body.event_id}`, `message:${messageKey}`)) {
        this.log.info({ event: 'slack.duplicate_event', eventId: body.event_id, retryNum }, 'event already handled');
        return true;
      }
    } catch (err) {
      // why: answering twice is better than not answering at all.
      this.log.warn({ event: 'slack.dedupe_failed', err }, 'dedupe store failed; answering anyway');
    }
    return false;
  }

  private async history(
    client: webApi.WebClient,
    channel: string,
    threadTs: string,
    beforeTs: string,
    self: BotIdentity,
  ): Promise<Turn[] | undefined> {
    try {
      return await fetchThreadTurns(client, channel, threadTs, beforeTs, self, THREAD_LIMITS);
    } catch (err) {
      this.log.warn({ event: 'slack.history_failed', code: slackErrorCode(err), err }, 'could not read the thread');
      return undefined;
    }
  }

  private async uninstall(
    teamId: string | undefined,
    enterpriseId: string | undefined,
    orgWide: boolean,
  ): Promise<void> {
    const store = this.deps.installationStore;
    if (!store?.deleteInstallation) return;
    const query = orgWide
      ? { teamId: undefined, enterpriseId: enterpriseId ?? '', isEnterpriseInstall: true as const }
      : { teamId: teamId ?? '', enterpriseId, isEnterpriseInstall: false as const };
    await store.deleteInstallation(query);
    this.log.info({ event: 'slack.uninstalled', team: teamId, enterprise: enterpriseId }, 'installation deleted');
  }
}

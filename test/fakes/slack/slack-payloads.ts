/** Builders for the payloads Slack sends an app: slash commands and Events API callbacks. */

let counter = 0;
const next = () => ++counter;

export interface SlashCommandInput {
  command: '/ask-twin' | '/twin-usage' | string;
  text: string;
  teamId: string;
  channelId: string;
  userId: string;
  userName?: string;
  responseUrl: string;
  enterpriseId?: string;
  triggerId?: string;
}

/** The fields of a slash command (a form over HTTP, a JSON object in a Socket Mode envelope). */
export function slashCommand(input: SlashCommandInput): Record<string, string> {
  const payload: Record<string, string> = {
    token: 'verification-token-unused',
    team_id: input.teamId,
    team_domain: 'fake',
    channel_id: input.channelId,
    channel_name: 'general',
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command,
    text: input.text,
    api_app_id: 'AFAKEAPP',
    is_enterprise_install: 'false',
    response_url: input.responseUrl,
    trigger_id: input.triggerId ?? `trigger.${next()}`,
  };
  if (input.enterpriseId) payload.enterprise_id = input.enterpriseId;
  return payload;
}

export interface EventCallbackInput {
  teamId: string;
  event: Record<string, unknown>;
  /** The bot user the event is for (authorizations[0]). */
  botUserId?: string;
  eventId?: string;
  enterpriseId?: string;
}

/** An Events API `event_callback` envelope. */
export function eventCallback(input: EventCallbackInput): Record<string, unknown> & { event_id: string } {
  const now = Math.floor(Date.now() / 1000);
  return {
    token: 'verification-token-unused',
    team_id: input.teamId,
    enterprise_id: input.enterpriseId,
    api_app_id: 'AFAKEAPP',
    event: { event_ts: `${now}.000000`, ...input.event },
    type: 'event_callback',
    event_id: input.eventId ?? `Ev${String(next()).padStart(8, '0')}`,
    event_time: now,
    authorizations: [
      {
        enterprise_id: input.enterpriseId ?? null,
        team_id: input.teamId,
        user_id: input.botUserId ?? 'UBOT',
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

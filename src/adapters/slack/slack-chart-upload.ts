/**
 * Sends the usage chart to the person who asked for the report. The report itself is ephemeral, and a Slack file
 * cannot be: so the picture goes to the asker's direct message with the bot (conversations.open), through the
 * external upload flow of `files.uploadV2` (files.getUploadURLExternal, POST the bytes, files.completeUploadExternal).
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/ports.js';
import type { UsageChart } from '../../core/types.js';
import { slackErrorCode } from './slack-errors.js';

/** The sentence added to the ephemeral report once the chart is on its way. */
export const CHART_SENT_NOTE = 'I sent the chart to you in a direct message.';

export interface ChartDelivery {
  client: webApi.WebClient;
  userId: string;
  chart: UsageChart;
  /** Title of the file in Slack, e.g. "Twin usage, last 7 days (UTC)". */
  title: string;
  log: Logger;
}

/**
 * Uploads the chart into the asker's DM with the bot. Returns false, after logging why, when any step fails
 * (a missing `im:write` or `files:write` scope, a network fault): the report then goes out with its text sparkline.
 */
export async function sendChartToDm({ client, userId, chart, title, log }: ChartDelivery): Promise<boolean> {
  try {
    const opened = await client.conversations.open({ users: userId });
    const channel = opened.channel?.id;
    if (!channel) throw new Error('conversations.open returned no channel');
    await client.filesUploadV2({
      channel_id: channel,
      file: Buffer.from(chart.png.buffer, chart.png.byteOffset, chart.png.byteLength),
      filename: chart.filename,
      title,
      alt_text: chart.alt,
      // why: fixed words only; nothing a person wrote goes into this comment, so it can notify no one.
      initial_comment: title,
    });
    log.info({ event: 'slack.chart_sent', channel, bytes: chart.png.byteLength }, 'usage chart sent by DM');
    return true;
  } catch (err) {
    log.warn({ event: 'slack.chart_not_sent', code: slackErrorCode(err), err }, 'usage chart not sent; text only');
    return false;
  }
}

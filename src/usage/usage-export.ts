/**
 * Export formats for `twinbot usage --csv|--json`. CSV follows RFC 4180: CRLF line ends, a header row, and a
 * field quoted (with inner quotes doubled) when it holds a comma, a quote, CR or LF.
 *
 * Feedback is a second export (`--feedback`), one row per vote, not a column of the records: a request can have
 * votes from several people, each changeable. Its `requestId` joins the records' `id`.
 */
import type { UsageRecord } from '../core/types.js';
import type { FeedbackRow } from './sql-feedback-store.js';

/** CSV columns, in order; each is a `UsageRecord` field. */
export const USAGE_CSV_COLUMNS = [
  'id',
  'at',
  'time',
  'platform',
  'tenantId',
  'enterpriseId',
  'channelId',
  'userId',
  'userName',
  'command',
  'model',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'latencyMs',
  'queueMs',
  'attempts',
  'outcome',
  'errorCode',
  'costUsd',
  'mode',
] as const;

export interface CsvOptions {
  /**
   * Prefix a `'` to text cells that start with = + - @ (or a tab/CR), so a spreadsheet does not run a display
   * name such as `=HYPERLINK(...)` as a formula. Off by default: the file then holds the ledger unchanged.
   */
  guardFormulas?: boolean;
}

/** One CSV field, quoted when RFC 4180 requires it. */
export function csvField(value: string, options: CsvOptions = {}): string {
  let text = value;
  if (options.guardFormulas && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cell(record: UsageRecord, column: (typeof USAGE_CSV_COLUMNS)[number], options: CsvOptions): string {
  // why: `time` is the same instant as `at`, in UTC ISO form, for people reading the sheet.
  if (column === 'time') return new Date(record.at).toISOString();
  const value = record[column];
  if (value === undefined || value === null) return '';
  // why: numbers are written by String(), which round-trips every double exactly (no rounding of costUsd).
  return typeof value === 'number' ? String(value) : csvField(String(value), options);
}

/** The CSV header line (with its CRLF). */
export function csvHeader(): string {
  return `${USAGE_CSV_COLUMNS.join(',')}\r\n`;
}

/** One record as a CSV line (with its CRLF), for streaming large exports. */
export function toCsvRow(record: UsageRecord, options: CsvOptions = {}): string {
  return `${USAGE_CSV_COLUMNS.map((c) => cell(record, c, options)).join(',')}\r\n`;
}

/** Records as a whole CSV document: header, then one line per record. */
export function toCsv(records: Iterable<UsageRecord>, options: CsvOptions = {}): string {
  let out = csvHeader();
  for (const r of records) out += toCsvRow(r, options);
  return out;
}

/** Records as a JSON array, one record per line, so large files stay diffable and greppable. */
export function toJson(records: Iterable<UsageRecord>): string {
  const lines = [...records].map((r) => JSON.stringify(r));
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/** Collects an async export (e.g. `store.exportRecords(...)`) into an array. */
export async function collectRecords(records: AsyncIterable<UsageRecord>): Promise<UsageRecord[]> {
  const out: UsageRecord[] = [];
  for await (const r of records) out.push(r);
  return out;
}

/** Feedback CSV columns, in order; `time` is `at` in UTC ISO form. */
export const FEEDBACK_CSV_COLUMNS = [
  'requestId',
  'at',
  'time',
  'platform',
  'tenantId',
  'userId',
  'vote',
  'reason',
] as const;

/** Votes as a whole CSV document (the `--feedback` export). */
export function feedbackToCsv(rows: Iterable<FeedbackRow>, options: CsvOptions = {}): string {
  let out = `${FEEDBACK_CSV_COLUMNS.join(',')}\r\n`;
  for (const row of rows) {
    const cells = FEEDBACK_CSV_COLUMNS.map((column) => {
      if (column === 'time') return new Date(row.at).toISOString();
      const value = row[column];
      if (value === undefined) return '';
      return typeof value === 'number' ? String(value) : csvField(value, options);
    });
    out += `${cells.join(',')}\r\n`;
  }
  return out;
}

/** Votes as a JSON array, one per line (the `--feedback` export). */
export function feedbackToJson(rows: Iterable<FeedbackRow>): string {
  const lines = [...rows].map((r) => JSON.stringify(r));
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}

/**
 * 👍/👎 on answers in the ledger's database (either engine) (migration 9, `answer_feedback`): one row per (request, user), changed in
 * place; the request's tenant is read from `usage_records`, so a vote can be checked against the tenant it came from.
 */
import type { FeedbackQuery, FeedbackStore } from '../core/ports.js';
import type { FeedbackEntry, FeedbackSummary, Platform, Vote } from '../core/types.js';
import type { SqlClient } from './sql-client.js';

/** One stored vote, as the export writes it: the entry as saved. */
export type FeedbackRow = FeedbackEntry;

// why: a second 👎 click keeps the reason given after the first; a 👍 clears it (the reason explained a 👎).
const UPSERT = `INSERT INTO answer_feedback (request_id, user_id, tenant_id, platform, vote, reason, at)
  VALUES (:request, :user, :tenant, :platform, :vote, :reason, :at)
  ON CONFLICT (request_id, user_id) DO UPDATE SET
    vote = excluded.vote,
    reason = CASE WHEN excluded.vote = 'helpful' THEN NULL ELSE COALESCE(excluded.reason, answer_feedback.reason) END,
    at = excluded.at`;

export class SqlFeedbackStore implements FeedbackStore {
  constructor(private readonly client: SqlClient) {}

  async requestTenant(requestId: string): Promise<string | undefined> {
    const rs = await this.client.execute({
      sql: 'SELECT tenant_id FROM usage_records WHERE id = ?',
      args: [requestId],
    });
    const tenant = rs.rows[0]?.['tenant_id'];
    return typeof tenant === 'string' ? tenant : undefined;
  }

  async saveFeedback(entry: FeedbackEntry): Promise<void> {
    await this.client.execute({
      sql: UPSERT,
      args: {
        request: entry.requestId,
        user: entry.userId,
        tenant: entry.tenantId,
        platform: entry.platform,
        vote: entry.vote,
        reason: entry.reason ?? null,
        at: entry.at,
      },
    });
  }

  async summarizeFeedback(query: FeedbackQuery): Promise<FeedbackSummary> {
    const scope = query.tenantId === undefined ? '' : ' AND tenant_id = :tenant';
    const args = { from: query.from, to: query.to, ...(query.tenantId !== undefined && { tenant: query.tenantId }) };
    const counts = await this.client.execute({
      sql: `SELECT vote, COUNT(*) AS n FROM answer_feedback WHERE at >= :from AND at < :to${scope} GROUP BY vote`,
      args,
    });
    let helpful = 0;
    let notHelpful = 0;
    for (const row of counts.rows) {
      if (row['vote'] === 'helpful') helpful = Number(row['n']);
      else if (row['vote'] === 'not_helpful') notHelpful = Number(row['n']);
    }
    const reasons =
      query.reasons <= 0
        ? { rows: [] }
        : await this.client.execute({
            sql: `SELECT reason, at FROM answer_feedback WHERE at >= :from AND at < :to${scope}
              AND vote = 'not_helpful' AND reason IS NOT NULL ORDER BY at DESC LIMIT :limit`,
            args: { ...args, limit: query.reasons },
          });
    return {
      votes: helpful + notHelpful,
      helpful,
      notHelpful,
      recentReasons: reasons.rows.map((r) => ({ at: Number(r['at']), reason: String(r['reason']) })),
    };
  }

  /** Every vote of [from, to), oldest first, for one tenant or all (the export). */
  async exportFeedback(query: { tenantId?: string; from: number; to: number }): Promise<FeedbackRow[]> {
    const scope = query.tenantId === undefined ? '' : ' AND tenant_id = :tenant';
    const rs = await this.client.execute({
      sql: `SELECT request_id, tenant_id, platform, user_id, vote, reason, at FROM answer_feedback
        WHERE at >= :from AND at < :to${scope} ORDER BY at, request_id, user_id`,
      args: { from: query.from, to: query.to, ...(query.tenantId !== undefined && { tenant: query.tenantId }) },
    });
    return rs.rows.map((r) => ({
      requestId: String(r['request_id']),
      tenantId: String(r['tenant_id']),
      platform: String(r['platform']) as Platform,
      userId: String(r['user_id']),
      vote: String(r['vote']) as Vote,
      ...(r['reason'] !== null && { reason: String(r['reason']) }),
      at: Number(r['at']),
    }));
  }
}

/**
 * Ledger writes handed over in the same turn of the event loop go to the database as one transaction (on the
 * embedded database; sql-usage-store.ts uses it for SQLite's dialect only).
 *
 * why: the local client runs each statement synchronously on the event loop, and each write was its own commit,
 * with the aggregate triggers rewriting the same few pages every time. At 40 questions a second (three or four
 * writes each) that was the largest share of the bot's CPU (`npm run bench -- load 40 --cpu-prof`), holding every
 * other request's turn. One commit for the writes of a turn writes those pages once. A write waits at most one turn.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SqlClient, SqlResult, SqlStatement } from './sql-client.js';

interface Waiting {
  statement: SqlStatement;
  resolve(result: SqlResult): void;
  reject(err: unknown): void;
}

export class CoalescedWrites {
  readonly #client: SqlClient;
  #waiting: Waiting[] = [];
  /** The commits, one after the other, so writes land in the order they were handed over. */
  #commits: Promise<void> = Promise.resolve();

  constructor(client: SqlClient) {
    this.#client = client;
  }

  /** Resolves with the statement's result once it is committed; rejects with its own error when it cannot be. */
  write(statement: SqlStatement): Promise<SqlResult> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ statement, resolve, reject });
      if (this.#waiting.length === 1) this.#commits = this.#commits.then(() => nextTurn()).then(() => this.#commit());
    });
  }

  /** Never rejects: each write's own promise carries its error. */
  async #commit(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length > 1) {
      try {
        const results = await this.#client.batch(batch.map((w) => w.statement));
        for (const [i, w] of batch.entries()) w.resolve(results[i] as SqlResult);
        return;
      } catch {
        // why: the transaction rolled back whole; one by one, only the statements that fail on their own fail.
      }
    }
    for (const w of batch) {
      try {
        w.resolve(await this.#client.execute(w.statement));
      } catch (err) {
        w.reject(err);
      }
    }
  }
}

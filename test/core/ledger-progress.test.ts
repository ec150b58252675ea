/**
 * When the open ledger row of a request in progress is rewritten: at most once every 2 s, counted from the
 * admission write, and only when an attempt started or text streamed since the last write.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LedgerProgress } from '../../src/core/ledger-progress.js';
import type { Tally } from '../../src/core/stream-answer.js';

const tally = (attempts: number): Tally => ({ promptTokens: 0, completionTokens: 0, attempts, queueMs: 0 });
const delta = (text: string) => ({ type: 'delta' as const, text });

describe('LedgerProgress', () => {
  it('leaves a first attempt that starts right after admission to the next look 2 s on', () => {
    const progress = new LedgerProgress();
    progress.wrote(1_000);
    assert.equal(progress.due(tally(1), 1_010), false);
    assert.equal(progress.due(tally(1), 2_000), false);
    assert.equal(progress.due(tally(1), 3_000), true, 'the timer look 2 s after admission writes the attempt');
    assert.equal(progress.due(tally(1), 6_000), false, 'nothing new since');
  });

  it('writes streamed text and new attempts at most once per 2 s', () => {
    const progress = new LedgerProgress();
    progress.wrote(0);
    assert.equal(progress.due(tally(1), 100, delta('Hello')), false);
    assert.equal(progress.due(tally(1), 2_100, delta(' there')), true);
    assert.equal(progress.due(tally(2), 2_200), false, 'a retry right after a write waits its turn');
    assert.equal(progress.due(tally(2), 4_100), true);
    assert.equal(progress.streamedTokens, Math.ceil('Hello there'.length / 3.5));
  });

  it('never writes for the final event: the final record is written instead', () => {
    const progress = new LedgerProgress();
    assert.equal(progress.due(tally(1), 10_000, { type: 'final' } as never), false);
  });
});

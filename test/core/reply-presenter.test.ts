/**
 * The reply presenter with a fake clock (issues 18.1, 20.2, 20.3): updates coalesce, edits never overlap, the first
 * text is shown at once, replies in one place share its write budget and never exceed it, the final text always
 * lands, and a failure or a fault replaces what was shown.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Logger } from '../../src/core/ports.js';
import { ReplyPresenter } from '../../src/core/reply-presenter.js';
import type { FinalPart, LiveView, ReplySurface, SurfaceLimits } from '../../src/core/reply-surface.js';
import type { Failure, ReplyEvent } from '../../src/core/types.js';
import { WriteBudgets } from '../../src/core/write-budget.js';
import { flush, ManualTime } from './manual-time.js';

interface Write {
  at: number;
  kind: 'post' | 'edit';
  content: string;
}

/** A surface that records every write with its time; the first write posts, the rest edit. */
class RecordingSurface implements ReplySurface {
  readonly writes: Write[] = [];
  readonly limits: SurfaceLimits;
  inFlight = 0;
  overlapped = false;
  failNext = 0;
  constructor(
    private readonly time: ManualTime,
    readonly budgetKey: string,
    limits: Partial<SurfaceLimits> = {},
    private readonly log: Write[] = [],
  ) {
    this.limits = {
      maxMessageChars: 100,
      editBudget: { writes: 5, perMs: 5_000 },
      updateIntervalMs: 1_000,
      ownProgressIndicator: false,
      notesInMessage: true,
      ...limits,
    };
  }
  get edits(): boolean {
    return this.writes.length > 0;
  }
  format(raw: string): string {
    return raw.trimEnd();
  }
  formatNote(raw: string): string {
    return `~${raw}`;
  }
  private async write(content: string, post = false): Promise<void> {
    if (this.inFlight > 0) this.overlapped = true;
    const w: Write = { at: this.time.now(), kind: post || this.writes.length === 0 ? 'post' : 'edit', content };
    const refuse = this.failNext > 0;
    if (refuse) this.failNext -= 1;
    this.inFlight += 1;
    await flush();
    this.inFlight -= 1;
    if (refuse) throw new Error('edit refused');
    this.writes.push(w);
    this.log.push(w);
  }
  show(view: LiveView): Promise<void> {
    return this.write(view.text ?? `_${view.status}_`);
  }
  finish(part: FinalPart): Promise<void> {
    return this.write([part.text, ...part.notes.map((n) => `~${n}`)].join('\n'));
  }
  append(part: FinalPart): Promise<void> {
    return this.write([part.text, ...part.notes.map((n) => `~${n}`)].join('\n'), true);
  }
  fail(_failure: Failure, parts: string[]): Promise<void> {
    return this.write(parts.join(''));
  }
}

function rig() {
  const time = new ManualTime(1_000_000);
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (o: object) => warnings.push(String((o as { event?: string }).event)),
    error: (o: object) => warnings.push(String((o as { event?: string }).event)),
    child: () => logger,
  };
  const presenter = new ReplyPresenter({
    budgets: new WriteBudgets(time, time),
    clock: time,
    timers: time,
    logger,
    platform: 'test',
  });
  return { time, presenter, warnings };
}

/** A stream the test feeds one event at a time. */
function feed() {
  const queue: ReplyEvent[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  async function* events(): AsyncGenerator<ReplyEvent> {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    events: events(),
    push(...e: ReplyEvent[]) {
      queue.push(...e);
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

const final = (text: string): ReplyEvent => ({
  type: 'final',
  answer: { text, sources: [{ chunkId: 'c', title: 'Skills', score: 1 }], mode: 'llm' },
});

/** Lets a few budget windows pass, so writes waiting for a turn get one. */
async function settle(time: ManualTime): Promise<void> {
  for (let s = 0; s < 12; s++) {
    time.advance(1_000);
    await flush();
  }
}

function busiestWindow(at: number[], perMs: number): number {
  let most = 0;
  for (const end of at) most = Math.max(most, at.filter((t) => t > end - perMs && t <= end).length);
  return most;
}

describe('ReplyPresenter', () => {
  test('the first text is shown at once, even right after a progress note; then one update per interval', async () => {
    const { time, presenter } = rig();
    const surface = new RecordingSurface(time, 'w1');
    const f = feed();
    const done = presenter.present(f.events, surface);
    f.push({ type: 'status', phase: 'thinking', text: 'Thinking…' });
    await flush();
    time.advance(100);
    f.push({ type: 'delta', text: 'I' });
    await flush();
    await flush();
    assert.deepEqual(
      surface.writes.map((w) => [w.at - 1_000_000, w.content]),
      [
        [0, '_Thinking…_'],
        [100, 'I'],
      ],
    );
    for (let i = 0; i < 100; i++) {
      f.push({ type: 'delta', text: ` w${i}` });
      if (i % 20 === 19) {
        time.advance(1_000);
      }
      await flush();
    }
    f.push(final('done'));
    await settle(time);
    await done;
    const edits = surface.writes.slice(2, -1);
    assert.ok(edits.length <= 5, `${edits.length} updates in 5 intervals`);
    for (let i = 1; i < edits.length; i++) assert.ok(edits[i]!.at - edits[i - 1]!.at >= 1_000);
    assert.equal(surface.writes.at(-1)?.content, 'done\n~Sources: Skills');
    assert.equal(surface.overlapped, false, 'writes never overlap');
  });

  test('a failed update is logged and the next one is still tried; the final text lands', async () => {
    const { time, presenter, warnings } = rig();
    const surface = new RecordingSurface(time, 'w1');
    const f = feed();
    const done = presenter.present(f.events, surface);
    f.push({ type: 'delta', text: 'one' });
    await flush();
    surface.failNext = 1;
    f.push({ type: 'delta', text: ' two' });
    time.advance(1_000);
    await flush();
    f.push({ type: 'delta', text: ' three' });
    time.advance(1_000);
    await flush();
    f.push(final('one two three'));
    await settle(time);
    await done;
    assert.ok(warnings.includes('test.preview_edit_failed'));
    assert.deepEqual(
      surface.writes.map((w) => w.content),
      ['one', 'one two three', 'one two three\n~Sources: Skills'],
    );
  });

  test('forty answers in one workspace never exceed its budget, and every final text lands', async () => {
    const { time, presenter } = rig();
    const log: Write[] = [];
    const rate = { writes: 50, perMs: 60_000 };
    const replies = Array.from({ length: 40 }, (_, i) => {
      const surface = new RecordingSurface(
        time,
        'slack:T1',
        { editBudget: rate, updateIntervalMs: 1_200, maxMessageChars: 4_000 },
        log,
      );
      const f = feed();
      return { surface, f, done: presenter.present(f.events, surface), id: i };
    });
    for (const r of replies) r.f.push({ type: 'status', phase: 'thinking', text: 'Thinking…' });
    await flush();
    const firstToken = time.now();
    // Each answer streams a word every 100 ms for 20 s, then ends.
    for (let tick = 0; tick < 200; tick++) {
      for (const r of replies) r.f.push({ type: 'delta', text: ` w${tick}` });
      time.advance(100);
      await flush();
    }
    for (const r of replies) r.f.push(final(`answer ${r.id}`));
    for (let s = 0; s < 200; s++) {
      time.advance(1_000);
      await flush();
    }
    await Promise.all(replies.map((r) => r.done));
    const edits = log.filter((w) => w.kind === 'edit').map((w) => w.at);
    assert.ok(busiestWindow(edits, 60_000) <= 50, `${busiestWindow(edits, 60_000)} edits in one minute`);
    for (const r of replies) {
      assert.equal(r.surface.writes.at(-1)?.content, `answer ${r.id}\n~Sources: Skills`);
      const firstText = r.surface.writes.find((w) => w.content.startsWith(' w0'));
      assert.ok(firstText && firstText.at - firstToken <= 300, `first text after ${firstText?.at} - ${firstToken}`);
    }
  });

  test('the sources line goes in a message of its own when it does not fit beside the last part', async () => {
    const { time, presenter } = rig();
    const surface = new RecordingSurface(time, 'w1', { maxMessageChars: 40 });
    const text = 'I built the billing system and ran it.';
    const outcome = await presenter.present(
      (async function* () {
        yield final(text);
      })(),
      surface,
    );
    assert.deepEqual(outcome, { kind: 'final', parts: 2 });
    assert.deepEqual(
      surface.writes.map((w) => w.content),
      [text, '\n~Sources: Skills'],
    );
  });

  test('a stream that throws ends in the generic failure sentence, replacing the partial answer', async () => {
    const { time, presenter, warnings } = rig();
    const surface = new RecordingSurface(time, 'w1', { maxMessageChars: 400 });
    const outcome = await presenter.present(
      (async function* (): AsyncGenerator<ReplyEvent> {
        yield { type: 'delta', text: 'Half an ans' };
        await flush();
        throw new Error('boom');
      })(),
      surface,
    );
    assert.deepEqual(outcome, { kind: 'fault', shown: true });
    assert.match(surface.writes.at(-1)?.content ?? '', /Something went wrong on my side/);
    assert.ok(warnings.includes('test.reply_failed'));
  });
});

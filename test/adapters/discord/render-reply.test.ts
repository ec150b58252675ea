import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ReplySurface, renderReply } from '../../../src/adapters/discord/render-reply.js';
import type { Logger } from '../../../src/core/ports.js';
import type { Answer, ReplyEvent } from '../../../src/core/types.js';
import { flush, ManualScheduler } from './manual-scheduler.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** Records what a person would see: the live message's successive contents and any extra messages. */
class RecordingSurface implements ReplySurface {
  readonly shown: string[] = [];
  readonly appended: string[] = [];
  async show(content: string): Promise<void> {
    this.shown.push(content);
  }
  async append(content: string): Promise<void> {
    this.appended.push(content);
  }
}

async function* stream(events: ReplyEvent[]): AsyncGenerator<ReplyEvent> {
  for (const e of events) {
    await flush();
    yield e;
  }
}

const answer = (text: string, extra: Partial<Answer> = {}): Answer => ({
  text,
  sources: [{ chunkId: 'c1', title: 'Skills', score: 1 }],
  mode: 'llm',
  ...extra,
});

const render = (events: ReplyEvent[], surface = new RecordingSurface()) =>
  renderReply(stream(events), surface, {
    editIntervalMs: 60_000,
    logger: quiet,
    scheduler: new ManualScheduler(),
  }).then((outcome) => ({ outcome, surface }));

describe('renderReply', () => {
  test('"Thinking…" with nothing on screen leaves Discord its own indicator; the answer ends with its sources', async () => {
    const { outcome, surface } = await render([
      { type: 'status', phase: 'thinking', text: 'Thinking…' },
      { type: 'delta', text: 'I write Go.' },
      { type: 'final', answer: answer('I write Go.') },
    ]);
    assert.deepEqual(outcome, { kind: 'final', pieces: 1 });
    assert.deepEqual(surface.shown, ['I write Go.', 'I write Go.\n\n-# Sources: Skills']);
  });

  test('a place in line is shown, then replaced by "Thinking…" and the answer', async () => {
    const scheduler = new ManualScheduler();
    const surface = new RecordingSurface();
    const events = stream([
      { type: 'status', phase: 'queued', position: 4, text: "You're number 4 in line…" },
      { type: 'status', phase: 'thinking', text: 'Thinking…' },
      { type: 'final', answer: answer('Done.') },
    ]);
    const done = renderReply(events, surface, { editIntervalMs: 1_000, logger: quiet, scheduler });
    await flush();
    scheduler.advance(1_000);
    await done;
    assert.deepEqual(surface.shown, ["-# You're number 4 in line…", '-# Thinking…', 'Done.\n\n-# Sources: Skills']);
  });

  test('a reset clears the text on screen back to the progress note', async () => {
    const scheduler = new ManualScheduler();
    const surface = new RecordingSurface();
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    async function* events(): AsyncGenerator<ReplyEvent> {
      yield { type: 'delta', text: 'First try' };
      yield { type: 'reset' };
      await gate;
      yield { type: 'delta', text: 'Second' };
      yield { type: 'final', answer: answer('Second') };
    }
    const done = renderReply(events(), surface, { editIntervalMs: 1_000, logger: quiet, scheduler });
    await flush();
    scheduler.advance(1_000);
    await flush();
    assert.deepEqual(surface.shown, ['First try', '-# Thinking…']);
    open();
    await done;
    assert.deepEqual(surface.shown, ['First try', '-# Thinking…', 'Second\n\n-# Sources: Skills']);
  });

  test('a stream that ends without a final event is a fault for the caller', async () => {
    await assert.rejects(render([{ type: 'delta', text: 'x' }]), /without a final event/);
  });

  test('a failure after text was shown replaces it, with nothing appended', async () => {
    const { outcome, surface } = await render([
      { type: 'delta', text: 'Half an ans' },
      { type: 'failure', failure: { code: 'llm_unavailable', message: "My language model isn't responding." } },
    ]);
    assert.deepEqual(outcome, { kind: 'failure', code: 'llm_unavailable' });
    assert.equal(surface.shown.at(-1), "My language model isn't responding.");
    assert.deepEqual(surface.appended, []);
  });

  test('a long answer fills the live message, then follow-ups in order, nothing lost', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `Point ${i}: I shipped something useful that quarter.`).join(
      '\n\n',
    );
    const { outcome, surface } = await render([
      { type: 'delta', text },
      { type: 'final', answer: answer(text, { notice: 'I am answering without a language model.' }) },
    ]);
    assert.equal(outcome.kind, 'final');
    const messages = [surface.shown.at(-1) ?? '', ...surface.appended];
    assert.equal(messages.length, outcome.kind === 'final' ? outcome.pieces : 0);
    assert.ok(messages.length >= 2);
    for (const m of messages) assert.ok(m.length <= 2_000);
    const squash = (s: string) => s.replace(/\s+/g, '');
    assert.ok(squash(messages.join('')).includes(squash(text)));
    assert.match(messages.at(-1) ?? '', /-# Sources: Skills\n-# I am answering without a language model\.$/);
    assert.ok((surface.shown[0]?.length ?? 0) <= 2_000, 'the live preview fits one message too');
  });
});

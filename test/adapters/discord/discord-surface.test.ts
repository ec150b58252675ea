/** The core's reply presenter on a Discord surface: what a person sees, edit by edit (issue 18.1). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { textOfComponents } from '../../../src/adapters/discord/discord-components.js';
import { DiscordSurface } from '../../../src/adapters/discord/discord-surface.js';
import type { DiscordBody, DiscordTarget } from '../../../src/adapters/discord/discord-targets.js';
import type { Logger } from '../../../src/core/ports.js';
import { ReplyPresenter } from '../../../src/core/reply-presenter.js';
import type { Answer, ReplyEvent } from '../../../src/core/types.js';
import { WriteBudgets } from '../../../src/core/write-budget.js';
import { flush, ManualTime } from '../../core/manual-time.js';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** The text a person reads in a body: plain text, or the text displays of Components V2, one per line. */
const textOf = (body: DiscordBody) => ('text' in body ? body.text : textOfComponents(body.components));

/** Records what a person would see: the live message's successive texts and any extra messages, and the bodies. */
class RecordingTarget implements DiscordTarget {
  readonly shown: string[] = [];
  readonly appended: string[] = [];
  readonly bodies: DiscordBody[] = [];
  get edits(): boolean {
    return this.shown.length > 0;
  }
  async show(body: DiscordBody): Promise<void> {
    this.bodies.push(body);
    this.shown.push(textOf(body));
  }
  async append(body: DiscordBody): Promise<void> {
    this.bodies.push(body);
    this.appended.push(textOf(body));
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

function rig(intervalMs: number) {
  const time = new ManualTime();
  const presenter = new ReplyPresenter({
    budgets: new WriteBudgets(time, time),
    clock: time,
    timers: time,
    logger: quiet,
    platform: 'discord',
  });
  const target = new RecordingTarget();
  const present = (events: AsyncIterable<ReplyEvent>) =>
    presenter.present(events, new DiscordSurface(target, 'c1', intervalMs));
  return { time, target, present };
}

describe('the reply presenter on Discord', () => {
  test('"Thinking…" with nothing on screen leaves Discord its own indicator; the answer ends with its sources', async () => {
    const { target, present } = rig(60_000);
    const outcome = await present(
      stream([
        { type: 'status', phase: 'thinking', text: 'Thinking…' },
        { type: 'delta', text: 'I write Go.' },
        { type: 'final', answer: answer('I write Go.') },
      ]),
    );
    assert.deepEqual(outcome, { kind: 'final', parts: 1 });
    assert.deepEqual(target.shown, ['I write Go.', 'I write Go.\n-# Sources: Skills']);
  });

  test('a place in line is shown, then replaced by "Thinking…" and the answer', async () => {
    const { time, target, present } = rig(1_000);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    async function* events(): AsyncGenerator<ReplyEvent> {
      yield { type: 'status', phase: 'queued', position: 4, text: "You're number 4 in line…" };
      yield { type: 'status', phase: 'thinking', text: 'Thinking…' };
      await gate;
      yield { type: 'final', answer: answer('Done.') };
    }
    const done = present(events());
    await flush();
    time.advance(1_000);
    await flush();
    open();
    await done;
    assert.deepEqual(target.shown, ["-# You're number 4 in line…", '-# Thinking…', 'Done.\n-# Sources: Skills']);
  });

  test('a reset clears the text on screen back to the progress note', async () => {
    const { time, target, present } = rig(1_000);
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    async function* events(): AsyncGenerator<ReplyEvent> {
      yield { type: 'delta', text: 'First try' };
      yield { type: 'reset' };
      await gate;
      yield { type: 'delta', text: 'Second' };
      yield { type: 'final', answer: answer('Second') };
    }
    const done = present(events());
    await flush();
    time.advance(1_000);
    await flush();
    assert.deepEqual(target.shown, ['First try', '-# Thinking…']);
    open();
    await done;
    assert.deepEqual(target.shown, ['First try', '-# Thinking…', 'Second\n-# Sources: Skills']);
  });

  test('a stream that ends without a final event ends in the generic failure sentence', async () => {
    const { target, present } = rig(60_000);
    const outcome = await present(stream([{ type: 'delta', text: 'x' }]));
    assert.deepEqual(outcome, { kind: 'fault', shown: true });
    assert.match(target.shown.at(-1) ?? '', /Something went wrong on my side/);
  });

  test('a failure after text was shown replaces it, with nothing appended', async () => {
    const { target, present } = rig(60_000);
    const outcome = await present(
      stream([
        { type: 'delta', text: 'Half an ans' },
        { type: 'failure', failure: { code: 'llm_unavailable', message: "My language model isn't responding." } },
      ]),
    );
    assert.deepEqual(outcome, { kind: 'failure', code: 'llm_unavailable' });
    assert.equal(target.shown.at(-1), "My language model isn't responding.");
    assert.deepEqual(target.appended, []);
  });

  test('a long answer fills the live message, then follow-ups in order, nothing lost', async () => {
    const { target, present } = rig(60_000);
    const text = Array.from({ length: 120 }, (_, i) => `Point ${i}: I shipped something useful that quarter.`).join(
      '\n\n',
    );
    const outcome = await present(
      stream([
        { type: 'delta', text },
        { type: 'final', answer: answer(text, { notice: 'I am answering without a language model.' }) },
      ]),
    );
    assert.equal(outcome.kind, 'final');
    const messages = [target.shown.at(-1) ?? '', ...target.appended];
    assert.equal(messages.length, outcome.kind === 'final' ? outcome.parts : 0);
    assert.ok(messages.length >= 2);
    // why: Components V2 text displays take 4 000 characters in a message (plain content 2 000).
    for (const m of messages) assert.ok(m.length <= 4_000);
    const squash = (s: string) => s.replace(/\s+/g, '');
    assert.ok(squash(messages.join('')).includes(squash(text)));
    assert.match(messages.at(-1) ?? '', /-# Sources: Skills\n-# I am answering without a language model\.$/);
    assert.ok((target.shown[0]?.length ?? 0) <= 4_000, 'the live preview fits one message too');
    for (const body of target.bodies) assert.ok('components' in body, 'every message of an answer is Components V2');
  });
});

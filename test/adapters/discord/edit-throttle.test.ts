import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EditThrottle } from '../../../src/adapters/discord/edit-throttle.js';
import { flush, ManualScheduler } from './manual-scheduler.js';

function setup(intervalMs = 1_000) {
  const scheduler = new ManualScheduler();
  const applied: string[] = [];
  const errors: unknown[] = [];
  const throttle = new EditThrottle(
    async (content) => {
      applied.push(content);
    },
    intervalMs,
    (err) => errors.push(err),
    scheduler,
  );
  return { scheduler, applied, errors, throttle };
}

describe('EditThrottle', () => {
  test('the first content is shown at once; content within the interval coalesces to the newest', async () => {
    const { scheduler, applied, throttle } = setup();
    assert.equal(throttle.started, false);
    throttle.push('a');
    await flush();
    throttle.push('ab');
    throttle.push('abc');
    await flush();
    assert.deepEqual(applied, ['a']);
    assert.equal(throttle.started, true);
    scheduler.advance(999);
    await flush();
    assert.deepEqual(applied, ['a']);
    scheduler.advance(1);
    await flush();
    assert.deepEqual(applied, ['a', 'abc']);
  });

  test('a hundred pushes over five intervals make one edit per interval, ending with the newest', async () => {
    const { scheduler, applied, throttle } = setup();
    for (let i = 1; i <= 100; i++) {
      throttle.push(`v${i}`);
      scheduler.advance(50);
      await flush();
    }
    // At 0, 1 000, 2 000, 3 000, 4 000 and 5 000 ms.
    assert.deepEqual(applied, ['v1', 'v20', 'v40', 'v60', 'v80', 'v100']);
  });

  test('edits never overlap: content pushed during a slow edit waits for it', async () => {
    const scheduler = new ManualScheduler();
    const applied: string[] = [];
    let release: () => void = () => {};
    let active = 0;
    let maxActive = 0;
    const throttle = new EditThrottle(
      async (content) => {
        active++;
        maxActive = Math.max(maxActive, active);
        applied.push(content);
        if (content === 'slow') await new Promise<void>((resolve) => (release = resolve));
        active--;
      },
      100,
      () => {},
      scheduler,
    );
    throttle.push('slow');
    scheduler.advance(500);
    throttle.push('next');
    await flush();
    assert.deepEqual(applied, ['slow']);
    release();
    await flush();
    assert.deepEqual(applied, ['slow', 'next']);
    assert.equal(maxActive, 1);
  });

  test('settle drops content not shown yet and waits for the edit in flight', async () => {
    const { scheduler, applied, throttle } = setup();
    throttle.push('a');
    throttle.push('b');
    await throttle.settle();
    assert.deepEqual(applied, ['a']);
    assert.equal(scheduler.pending, 0);
    throttle.push('c');
    scheduler.advance(5_000);
    await flush();
    assert.deepEqual(applied, ['a']);
  });

  test('a failed edit is reported and the next content is still tried', async () => {
    const scheduler = new ManualScheduler();
    const applied: string[] = [];
    const errors: unknown[] = [];
    const throttle = new EditThrottle(
      async (content) => {
        if (content === 'bad') throw new Error('refused');
        applied.push(content);
      },
      100,
      (err) => errors.push(err),
      scheduler,
    );
    throttle.push('bad');
    await flush();
    throttle.push('good');
    scheduler.advance(100);
    await flush();
    assert.equal(errors.length, 1);
    assert.deepEqual(applied, ['good']);
  });
});

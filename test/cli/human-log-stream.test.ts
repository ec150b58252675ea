/** The terminal log format: one readable line per pino record, secrets already redacted by pino upstream. */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { formatLogRecord, humanLogStream } from '../../src/cli/human-log-stream.js';
import { createLogger } from '../../src/logging.js';

const at = Date.UTC(2026, 11, 5, 12, 4, 5);

describe('formatLogRecord', () => {
  it('time, level, message, then the details that matter', () => {
    const line = JSON.stringify({
      level: 40,
      time: at,
      pid: 1,
      hostname: 'h',
      app: 'twinbot',
      event: 'twin.model_warning',
      models: ['a', 'b'],
      msg: 'model retired',
    });
    assert.equal(formatLogRecord(line, { colour: false }), '12:04:05 WARN  model retired (models=["a","b"])\n');
  });

  it('an error adds its message; its stack only when asked', () => {
    const line = JSON.stringify({ level: 50, time: at, err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    assert.equal(formatLogRecord(line, { colour: false }), '12:04:05 ERROR boom\n');
    assert.equal(
      formatLogRecord(line, { colour: false, stacks: true }),
      '12:04:05 ERROR boom\nError: boom\n    at x\n',
    );
  });

  it('colours the level only when asked, and passes a line that is not JSON through', () => {
    const line = JSON.stringify({ level: 30, time: at, msg: 'hi' });
    assert.ok(formatLogRecord(line, { colour: true }).includes('\u001b[36mINFO \u001b[0m hi'));
    assert.equal(formatLogRecord('plain text', { colour: false }), 'plain text\n');
  });
});

describe('humanLogStream', () => {
  it('takes pino output, redacted, and writes one line per record', async () => {
    const target = new PassThrough();
    let text = '';
    target.on('data', (d: Buffer) => (text += d.toString()));
    const logger = createLogger('info', humanLogStream(target, { colour: false }));
    logger.info({ event: 'x', apiKey: 'gsk_secret_value' }, 'first');
    logger.debug({}, 'hidden at info');
    logger.warn({ tenant: 'discord:1' }, 'second');
    await new Promise((resolve) => setImmediate(resolve));
    const lines = text.trim().split('\n');
    assert.equal(lines.length, 2, text);
    assert.match(lines[0] ?? '', /^\d\d:\d\d:\d\d INFO {2}first \(apiKey=\[redacted\]\)$/);
    assert.match(lines[1] ?? '', /^\d\d:\d\d:\d\d WARN {2}second \(tenant=discord:1\)$/);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderAnswer, renderNote } from '../../../src/adapters/slack/slack-render.js';
import { questionText, threadTurns, tsCompare } from '../../../src/adapters/slack/thread-history.js';

const self = { botUserId: 'UBOT', botId: 'BBOT' };

test('question text drops the bot mention and makes other markup readable', () => {
  assert.equal(
    questionText('<@UBOT> did you work with <@U2|ann> in <#C1|eng>? &lt;code&gt; <https://x.dev|site>', 'UBOT'),
    'did you work with @ann in #eng? <code> site',
  );
  assert.equal(questionText('<@UBOT>', 'UBOT'), '');
});

test('timestamps compare exactly', () => {
  assert.equal(tsCompare('1700000000.000100', '1700000000.000099'), 1);
  assert.equal(tsCompare('1700000000.1', '1700000000.100000'), 0);
  assert.equal(tsCompare('999.9', '1000.0'), -1);
});

test('a thread becomes turns: the echoed question, answers, follow-ups; notes and other bots left out', () => {
  const answer = renderAnswer(
    { text: 'I use TypeScript <daily>.', sources: [{ chunkId: 'c', title: 'Skills', score: 1 }], mode: 'llm' },
    { asker: 'max', question: 'Which languages?' },
  )[0]!;
  const messages = [
    { ts: '1.000001', user: 'UBOT', bot_id: 'BBOT', ...answer },
    { ts: '1.000002', user: 'UOTHERBOT', bot_id: 'BOTHER', text: 'beep' },
    { ts: '1.000003', user: 'U1', text: 'And <@UBOT> which one first?' },
    { ts: '1.000004', user: 'UBOT', bot_id: 'BBOT', ...renderNote('Thinking…', 'status') },
    { ts: '1.000005', user: 'U1', text: 'the current message' },
  ];
  assert.deepEqual(threadTurns(messages, self, '1.000005', 12), [
    { role: 'user', text: 'Which languages?' },
    { role: 'twin', text: 'I use TypeScript <daily>.' },
    { role: 'user', text: 'And which one first?' },
  ]);
  assert.equal(threadTurns(messages, self, '1.000005', 2).length, 2);
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  escapeMrkdwn,
  MESSAGE_LIMIT,
  neutraliseMentions,
  renderAnswer,
  renderNote,
  SECTION_LIMIT,
  sourcesLine,
  splitEscaped,
  unescapeMrkdwn,
} from '../../../src/adapters/slack/slack-render.js';
import type { Answer } from '../../../src/core/types.js';

const squash = (s: string) => s.replace(/\s+/g, '');
const markdownTexts = (answer: Answer) =>
  renderAnswer(answer).flatMap((m) => m.blocks.flatMap((b) => (b.type === 'markdown' ? [b.text] : [])));

describe('slack-render', () => {
  test('escaping makes every Slack control sequence inert and round-trips', () => {
    const raw = 'Hi <!channel> <!here> <!everyone> <@U1> <!subteam^S1|team> <#C1> a & b > c';
    const escaped = escapeMrkdwn(raw);
    assert.doesNotMatch(escaped, /[<>]/);
    assert.equal(unescapeMrkdwn(escaped), raw);
  });

  test('sources are de-duplicated in order; none gives no line', () => {
    const s = (title: string) => ({ chunkId: title, title, score: 1 });
    assert.equal(
      sourcesLine([s('Skills'), s('Experience at Northwind'), s('Skills')]),
      'Sources: Skills, Experience at Northwind',
    );
    assert.equal(sourcesLine([]), undefined);
  });

  test('splitting after escaping never cuts an entity and never exceeds the limit', () => {
    const raw = '<&>'.repeat(3_000);
    const parts = splitEscaped(raw, SECTION_LIMIT);
    for (const p of parts) {
      assert.ok(p.length <= SECTION_LIMIT);
      assert.doesNotMatch(p, /&(?!amp;|lt;|gt;)/, 'no broken entity');
    }
    assert.equal(unescapeMrkdwn(parts.join('')), raw);
  });

  test('markdown stays as written; every mention becomes inert with an invisible character', () => {
    const raw = '**Bold** _it_ `code` [link](https://x.dev) <!channel> <!here> <@U1> <#C1> @everyone @here a & b';
    const out = neutraliseMentions(raw);
    assert.match(out, /^\*\*Bold\*\* _it_ `code` \[link\]\(https:\/\/x\.dev\) /);
    assert.doesNotMatch(out, /<[!@#]|@(everyone|here)\b/);
    assert.equal(out.replace(/\u200b/g, ''), raw, 'people read the characters as written');
  });

  test('a long answer becomes several messages of bounded markdown blocks; nothing is lost', () => {
    const text = Array.from({ length: 120 }, (_, i) => `Sentence ${i} about <systems> & reliability.`)
      .join(' ')
      .repeat(3);
    const answer: Answer = { text, sources: [{ chunkId: 'a', title: 'Experience', score: 1 }], mode: 'llm' };
    const messages = renderAnswer(answer, { asker: 'max', question: 'everything?' });
    assert.ok(messages.length >= 3);
    for (const m of messages) {
      const chars = m.blocks.reduce((n, b) => n + (b.type === 'markdown' ? b.text.length : 0), 0);
      assert.ok(chars <= MESSAGE_LIMIT);
      assert.ok(m.text.length > 0);
      assert.ok(m.blocks.length <= 50);
    }
    assert.equal(messages[0]!.blocks[0]!.block_id, 'twin-question');
    assert.equal(messages.at(-1)!.blocks.at(-1)!.block_id, 'twin-sources');
    assert.equal(squash(markdownTexts(answer).join('')), squash(text));
  });

  test('every mrkdwn text object is verbatim, so Slack links no names', () => {
    const answer: Answer = { text: '@channel #general', sources: [], mode: 'llm', notice: 'Offline & brief' };
    for (const block of [
      ...renderAnswer(answer, { asker: 'a', question: 'q' })[0]!.blocks,
      ...renderNote('x', 'failure').blocks,
    ]) {
      if (block.type === 'markdown') continue;
      const objects = block.type === 'section' ? [block.text] : block.type === 'context' ? block.elements : [];
      for (const o of objects) assert.equal(o.verbatim, true);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, PermissionsBitField } from 'discord.js';
import {
  COMPONENTS_TEXT_LIMIT,
  finalAnswerMessage,
  textOfComponents,
} from '../../../src/adapters/discord/discord-components.js';
import {
  answerTextOf,
  inInstalledGuild,
  interactionTenant,
  isGuildAdmin,
  questionOf,
  tenantOf,
} from '../../../src/adapters/discord/discord-facts.js';
import { inertMentions, sourcesLine, unmaskLinks, usagePieces } from '../../../src/adapters/discord/discord-render.js';
import { answerPieces, DiscordSurface, previewContent } from '../../../src/adapters/discord/discord-surface.js';
import { scrubTokens } from '../../../src/adapters/discord/safe-error.js';
import { finalParts } from '../../../src/core/reply-presenter.js';
import type { FinalPart } from '../../../src/core/reply-surface.js';
import type { UsageSummary } from '../../../src/core/types.js';
import { componentsProblem } from '../../fakes/discord/fake-discord-components.js';
import { maskedLinksIn } from './discord-driver.js';

describe('discord rendering', () => {
  test('@everyone and @here stay visible but cannot ping', () => {
    assert.equal(inertMentions('hi @everyone, @here!'), 'hi @\u200beveryone, @\u200bhere!');
    assert.equal(inertMentions('mail me@example.com'), 'mail me@example.com');
  });

  test('the sources line lists each title once, in order', () => {
    const s = (title: string) => ({ chunkId: title, title, score: 1 });
    assert.equal(
      sourcesLine([s('Skills'), s('Experience at Northwind'), s('Skills')]),
      'Sources: Skills, Experience at Northwind',
    );
    assert.equal(sourcesLine([]), undefined);
  });

  test('an answer ending inside a code block gets it closed before the small print', () => {
    const [piece] = answerPieces({ text: 'Like this:\n```ts\nconst x = 1;', sources: [], mode: 'llm' });
    assert.equal(piece, 'Like this:\n```ts\nconst x = 1;\n```');
  });

  test('a long preview is the first piece of the answer and fits one Components V2 message', () => {
    const text = 'I build reliable systems. '.repeat(400);
    const preview = previewContent(text);
    assert.ok(preview.length <= 4_000 && preview.length > 3_000, `${preview.length} characters`);
    assert.ok(text.startsWith(preview));
    assert.equal(answerPieces({ text, sources: [], mode: 'llm' })[0], preview);
  });

  test('a usage report is a code block that a ``` in a name cannot break; a refusal is a plain sentence', () => {
    const report = usagePieces({
      kind: 'report',
      window: '24h',
      summary: {} as UsageSummary,
      text: 'Requests: 3\nTop askers: ```evil``` (3)',
    });
    assert.equal(report.length, 1);
    assert.equal((report[0]?.match(/```/g) ?? []).length, 2);
    assert.deepEqual(usagePieces({ kind: 'refused', message: 'For admins only.' }), ['For admins only.']);
  });

  test('a masked link shows its real address', () => {
    assert.equal(
      unmaskLinks('[Click to verify](https://evil.example/login) now'),
      'Click to verify (https://evil.example/login) now',
    );
    assert.equal(unmaskLinks('[docs](<https://a.example/x> "Docs")'), 'docs (https://a.example/x)');
    assert.equal(
      unmaskLinks('[Foo](https://en.wikipedia.org/wiki/Foo_(bar))'),
      'Foo (https://en.wikipedia.org/wiki/Foo_(bar))',
    );
    assert.equal(unmaskLinks('[https://a.example](https://a.example)'), 'https://a.example');
    assert.equal(unmaskLinks('[](https://a.example)'), 'https://a.example');
  });

  test('brackets that could still hide a link are escaped; plain brackets are left as they are', () => {
    const odd = [
      '[a [nested] label](https://evil.example)',
      '[spaced] (https://evil.example)',
      '\\\\[two backslashes](https://evil.example)',
      '[[a](https://x.example)](https://evil.example)',
      '```\n[in code](https://evil.example)\n```',
      '[multi\nline](https://evil.example)',
    ];
    for (const text of odd) {
      const shown = unmaskLinks(text);
      assert.deepEqual(maskedLinksIn(shown), [], `${JSON.stringify(text)} -> ${JSON.stringify(shown)}`);
      assert.match(shown, /evil\.example/, 'the address is still there to read');
    }
    assert.equal(
      unmaskLinks('I rate it [5/5] and use arrays like [1, 2].'),
      'I rate it [5/5] and use arrays like [1, 2].',
    );
    assert.equal(unmaskLinks('already \\[escaped](x)'), 'already \\[escaped](x)');
  });

  test('answers, previews and failures carry no masked link', () => {
    const text = 'See [my portfolio](https://evil.example/p.png) and [this](https://b.example).';
    const [piece] = answerPieces({ text, sources: [], mode: 'llm' });
    assert.equal(piece, 'See my portfolio (https://evil.example/p.png) and this (https://b.example).');
    assert.deepEqual(maskedLinksIn(previewContent(text)), []);
    assert.deepEqual(maskedLinksIn(previewContent('See [my portfolio](https://evil.example/p')), []);
  });
});

describe('discord answers as Components V2', () => {
  const part = (text: string, notes: string[] = []): FinalPart => ({
    text,
    index: 0,
    last: true,
    notes,
    answer: { text, sources: [], mode: 'llm' },
  });

  test('a final part is a container: the answer, a separator, the small print; Discord’s rules hold', () => {
    const message = finalAnswerMessage(part('I write Go.', ['Sources: Skills', 'A notice']));
    assert.deepEqual(
      message.map((c) => c.type),
      [17],
    );
    assert.equal(textOfComponents(message), 'I write Go.\n-# Sources: Skills\n-# A notice');
    assert.equal(componentsProblem(message, true), undefined);
  });

  test('a full-length final part still leaves room for a row of five buttons (feedback, follow-ups)', () => {
    const sources = ['Skills', 'Experience at Northwind'].map((title) => ({ chunkId: title, title, score: 1 }));
    const parts = finalParts(
      { text: 'I plan rollbacks first. '.repeat(400), sources, mode: 'llm' },
      new DiscordSurface({ edits: false, show: async () => undefined, append: async () => undefined }, 'c', 0),
    );
    const last = finalAnswerMessage(parts.at(-1)!);
    assert.match(textOfComponents(last), /-# Sources: Skills, Experience at Northwind$/);
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
      Array.from({ length: 5 }, (_, i) =>
        new ButtonBuilder()
          .setCustomId(`twin:${'x'.repeat(90)}:${i}`)
          .setLabel(`Ask ${i}`)
          .setStyle(ButtonStyle.Secondary),
      ),
    );
    const withButtons = [...last, row.toJSON()];
    assert.ok(parts.length >= 3, 'the long answer was split');
    assert.equal(componentsProblem(withButtons, true), undefined);
    for (const p of parts) {
      const message = finalAnswerMessage(p);
      assert.ok(textOfComponents(message).length <= COMPONENTS_TEXT_LIMIT);
      assert.equal(componentsProblem(message, true), undefined);
    }
  });

  test('an empty part shows only its small print; nothing is ever an empty text display', () => {
    assert.equal(textOfComponents(finalAnswerMessage(part('', ['Sources: Skills']))), '-# Sources: Skills');
    assert.equal(textOfComponents(finalAnswerMessage(part(''))), '…');
  });
});

describe('discord facts', () => {
  test('tenants: a guild, or the user’s own DM tenant', () => {
    assert.equal(tenantOf('123', 'u1'), 'discord:123');
    assert.equal(tenantOf(null, 'u1'), 'discord:dm:u1');
  });

  test('an interaction’s tenant: the server when its install authorised it, else the person’s own', () => {
    const at = (guildId: string | null, installedIn: string | null) => ({
      guildId,
      user: { id: 'u1' },
      authorizingIntegrationOwners: { guildId: installedIn },
    });
    assert.equal(interactionTenant(at('g1', 'g1')).key, 'discord:g1');
    assert.equal(inInstalledGuild(at('g1', 'g1')), true);
    // A user-installed command in a server that never added the bot: the person's tenant, not the server's.
    assert.equal(interactionTenant(at('g2', null)).key, 'discord:dm:u1');
    assert.equal(inInstalledGuild(at('g2', null)), false);
    // The bot's DM under the server install ("0": "0"), or a group DM through the user install.
    assert.equal(interactionTenant(at(null, '0')).key, 'discord:dm:u1');
    assert.equal(interactionTenant(at(null, null)).key, 'discord:dm:u1');
  });

  test('the question is the text without the bot’s user or role mention', () => {
    assert.equal(questionOf('<@42> where   did you work?', '42'), 'where did you work?');
    assert.equal(questionOf('<@!42> hi <@7>', '42'), 'hi <@7>');
    assert.equal(questionOf('<@&9> skills?', '42', ['9']), 'skills?');
    assert.equal(questionOf('<@42>', '42'), '');
  });

  test('history leaves out the bot’s small print', () => {
    assert.equal(answerTextOf('I write Go.\n\n-# Sources: Skills\n-# note'), 'I write Go.');
    assert.equal(answerTextOf('-# Thinking…'), '');
  });

  test('admins have ManageGuild or Administrator', () => {
    const perms = (bits: bigint) => new PermissionsBitField(bits);
    assert.equal(isGuildAdmin(perms(0x20n)), true);
    assert.equal(isGuildAdmin(perms(0x8n)), true);
    assert.equal(isGuildAdmin(perms(0x400n | 0x800n)), false);
    assert.equal(isGuildAdmin(null), false);
  });

  test('interaction tokens are scrubbed from error text', () => {
    assert.equal(
      scrubTokens('PATCH https://x/api/v10/webhooks/123/aW50ZXJhY3Rpb24/messages/@original failed'),
      'PATCH https://x/api/v10/webhooks/123/:token/messages/@original failed',
    );
    assert.equal(scrubTokens('/interactions/9/tok_abc/callback'), '/interactions/9/:token/callback');
  });
});

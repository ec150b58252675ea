/** The fake types slash options as Discord does: by the registered definition, subcommands wrapping their options. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandDefinitions } from '../../../src/adapters/discord/discord-commands.js';
import { OPTION_TYPE, slashOptionsJson } from './fake-slash-options.js';

const usage = commandDefinitions().find((c) => c.name === 'twin-usage') as unknown as Record<string, unknown>;

test('options take the registered types, inside their subcommand', () => {
  assert.deepEqual(slashOptionsJson({ 'usd-per-month': 5, 'requests-per-day': 10, clear: false }, 'quota', usage), [
    {
      name: 'quota',
      type: OPTION_TYPE.subcommand,
      options: [
        { name: 'usd-per-month', type: OPTION_TYPE.number, value: 5 },
        { name: 'requests-per-day', type: OPTION_TYPE.integer, value: 10 },
        { name: 'clear', type: OPTION_TYPE.boolean, value: false },
      ],
    },
  ]);
  assert.deepEqual(slashOptionsJson({}, 'report', usage), [
    { name: 'report', type: OPTION_TYPE.subcommand, options: [] },
  ]);
});

test('what Discord would never send is an error; without a definition, types follow the values', () => {
  assert.throws(() => slashOptionsJson({}, undefined, usage), /needs a subcommand/);
  assert.throws(() => slashOptionsJson({}, 'reset', usage), /no subcommand reset/);
  assert.throws(() => slashOptionsJson({ window: '7d' }, 'quota', usage), /no option window/);
  assert.deepEqual(slashOptionsJson({ q: 'hi', n: 2, x: 0.5, b: true }, undefined, undefined), [
    { name: 'q', type: OPTION_TYPE.string, value: 'hi' },
    { name: 'n', type: OPTION_TYPE.integer, value: 2 },
    { name: 'x', type: OPTION_TYPE.number, value: 0.5 },
    { name: 'b', type: OPTION_TYPE.boolean, value: true },
  ]);
});

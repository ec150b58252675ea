/**
 * Every way a Groq call can fail, through the real groq-sdk and gateway against the fake Groq: the person gets one
 * plain sentence saying what happened and what to do, and the ledger keeps a failed record with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FailureCode, ReplyEvent } from '../../src/core/types.js';
import type { FakeGroqOptions, ScriptedResponse } from '../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness } from '../support/twin-harness.js';

const DAY_LIMIT_MESSAGE =
  'Rate limit reached for model `openai/gpt-oss-20b` in organization `org_x` service tier `on_demand` on requests ' +
  'per day (RPD): Limit 1000, Used 1000, Requested 1. Please try again in 23h59m12s.';

interface Case {
  name: string;
  groq?: FakeGroqOptions;
  script?: ScriptedResponse[];
  deadlineMs?: number;
  /** Runs before the question (e.g. takes Groq away). */
  before?: (h: TwinHarness) => Promise<void>;
  code: FailureCode;
  says: RegExp;
  reason: string;
}

const CASES: Case[] = [
  {
    name: 'a refused key',
    script: [{ kind: 'error', status: 401, body: { error: { message: 'Invalid API Key', code: 'invalid_api_key' } } }],
    code: 'misconfigured',
    says: /refused the bot's API key\. The bot's operator needs to check GROQ_API_KEY\./,
    reason: 'auth',
  },
  {
    name: 'a 429 on the day limit with a day-long retry-after',
    script: [
      {
        kind: 'error',
        status: 429,
        headers: { 'retry-after': '86352' },
        body: { error: { message: DAY_LIMIT_MESSAGE, type: 'requests', code: 'rate_limit_exceeded' } },
      },
    ],
    code: 'busy',
    says: /today's allowance.*try again in 24 hours/,
    reason: 'rate_limited',
  },
  {
    name: 'the only model retired',
    groq: { decommissioned: ['openai/gpt-oss-20b'] },
    code: 'misconfigured',
    says: /no longer available\. The bot's operator needs to update GROQ_MODEL or GROQ_FALLBACK_MODELS\./,
    reason: 'model_gone',
  },
  {
    name: 'a request Groq calls invalid',
    script: [
      {
        kind: 'error',
        status: 400,
        body: { error: { message: "'messages' must be an array", type: 'invalid_request_error' } },
      },
    ],
    code: 'internal',
    says: /Something went wrong on my side while answering\. Please try again; if it keeps happening/,
    reason: 'bad_request',
  },
  {
    name: 'Groq failing with 500 on every attempt',
    script: Array.from({ length: 4 }, () => ({ kind: 'error' as const, status: 500 })),
    code: 'llm_unavailable',
    says: /isn't responding right now\. Please try again in a minute\./,
    reason: 'upstream',
  },
  {
    name: 'a stall that outlives the deadline',
    // why: the harness's stall timeout is 2 s; after one stall a retry no longer fits the 5 s deadline.
    script: [
      { kind: 'stall', afterChars: 0 },
      { kind: 'stall', afterChars: 0 },
    ],
    deadlineMs: 5_000,
    code: 'timeout',
    says: /didn't finish within 5 seconds\. Please try again in a moment\./,
    reason: 'timeout',
  },
  {
    name: 'Groq unreachable',
    before: async (h) => h.groq?.close(),
    deadlineMs: 5_000,
    code: 'llm_unavailable',
    says: /isn't responding right now/,
    reason: 'network',
  },
];

async function ask(h: TwinHarness, tenantId: string): Promise<ReplyEvent[]> {
  const events: ReplyEvent[] = [];
  const request = {
    platform: 'discord' as const,
    tenantId,
    channelId: 'c1',
    userId: 'u1',
    command: 'ask-twin' as const,
    question: 'Where did you study?',
  };
  for await (const event of h.twin.ask(request)) events.push(event);
  return events;
}

describe('Groq failures reach the person as one plain sentence, with a ledger record', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const h = await startTwinHarness({
        groq: c.groq ?? {},
        options: c.deadlineMs ? { deadlineMs: c.deadlineMs } : {},
      });
      try {
        for (const response of c.script ?? []) h.groq?.script(response);
        await c.before?.(h);
        const events = await ask(h, 'discord:g1');
        const last = events.at(-1);
        assert.equal(last?.type, 'failure', JSON.stringify(events));
        const { failure } = last as Extract<ReplyEvent, { type: 'failure' }>;
        assert.equal(failure.code, c.code);
        assert.match(failure.message, c.says);
        assert.doesNotMatch(failure.message, /Error:|\bat \w+ \(|[{}]|gsk_|test-key/, 'no stack, JSON or key');
        assert.ok(!events.some((e) => e.type === 'final'), 'no answer after a failure');
        const summary = await h.usage.summarize({
          tenantId: 'discord:g1',
          from: Date.now() - 3_600_000,
          to: Date.now() + 1,
          bucketMs: 3_600_000,
        });
        assert.equal(summary.requests, 1);
        assert.equal(summary.failed, 1);
        assert.deepEqual(
          summary.topFailures.map((f) => f.key),
          [c.reason],
        );
      } finally {
        await h.close();
      }
    });
  }
});

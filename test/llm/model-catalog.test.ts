import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CATALOG_DATE,
  DEFAULT_MODEL,
  describeModel,
  estimateCostUsd,
  isReasoningModel,
  lowestReasoningEffort,
  MODEL_CATALOG,
  modelLimits,
  modelWarnings,
  UNKNOWN_MODEL_LIMITS,
} from '../../src/llm/model-catalog.js';

test('the default model is served today, reasons, and has the free-plan limits of FACTS.md', () => {
  assert.equal(DEFAULT_MODEL, 'openai/gpt-oss-20b');
  const info = describeModel(DEFAULT_MODEL);
  assert.ok(info && !info.retired && info.reasoning);
  assert.deepEqual(info.limits, { rpm: 30, rpd: 1_000, tpm: 8_000, tpd: 200_000 });
  assert.deepEqual(describeModel('llama-3.1-8b-instant')?.limits, { rpm: 30, rpd: 14_400, tpm: 6_000, tpd: 500_000 });
  assert.equal(describeModel('llama-3.3-70b-versatile')?.retired, '2026-08-16');
  assert.equal(describeModel('nope/model'), undefined);
});

test('every entry is complete and dated', () => {
  assert.match(CATALOG_DATE, /^\d{4}-\d{2}/);
  for (const info of MODEL_CATALOG) {
    for (const value of Object.values(info.limits)) assert.ok(value > 0, info.name);
    assert.ok(info.price.inputPerMillion > 0 && info.price.outputPerMillion > 0, info.name);
    assert.ok(info.source.length > 0, info.name);
  }
});

test('estimateCostUsd uses the table, overrides win, unknown models cost 0', () => {
  assert.equal(estimateCostUsd('openai/gpt-oss-20b', 1_000_000, 1_000_000), 0.375);
  assert.ok(Math.abs(estimateCostUsd('llama-3.1-8b-instant', 2_000, 500) - 0.00014) < 1e-12);
  assert.equal(
    estimateCostUsd('openai/gpt-oss-20b', 1_000_000, 0, {
      'openai/gpt-oss-20b': { inputPerMillion: 1, outputPerMillion: 2 },
    }),
    1,
  );
  assert.equal(estimateCostUsd('acme/secret-model', 1_000, 1_000), 0);
});

test('modelWarnings names retired and unknown models only', () => {
  assert.deepEqual(modelWarnings(['openai/gpt-oss-20b', 'qwen/qwen3-32b']), []);
  const warnings = modelWarnings(['llama-3.1-8b-instant', 'acme/unknown', 'openai/gpt-oss-120b']);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0] ?? '', /llama-3\.1-8b-instant.*retired.*openai\/gpt-oss-20b/);
  assert.match(warnings[1] ?? '', /acme\/unknown.*not in twinbot's catalog/);
});

test('reasoning parameters per family, also for models outside the catalog', () => {
  assert.equal(isReasoningModel('openai/gpt-oss-120b'), true);
  assert.equal(isReasoningModel('llama-3.1-8b-instant'), false);
  assert.equal(isReasoningModel('openai/gpt-oss-safeguard-20b'), true);
  assert.equal(lowestReasoningEffort('openai/gpt-oss-20b'), 'low');
  assert.equal(lowestReasoningEffort('qwen/qwen3-32b'), 'none');
  assert.equal(lowestReasoningEffort('llama-3.3-70b-versatile'), undefined);
  assert.equal(lowestReasoningEffort('openai/gpt-oss-safeguard-20b'), 'low');
});

test("a model's budgets: the account's limits where configured, then the catalog's, then the unknown model's", () => {
  assert.deepEqual(modelLimits('openai/gpt-oss-20b'), describeModel('openai/gpt-oss-20b')?.limits);
  assert.deepEqual(modelLimits('openai/gpt-oss-20b', { rpm: 5 }), { rpm: 5, tpm: 8_000, rpd: 1_000, tpd: 200_000 });
  assert.deepEqual(modelLimits('someone/new-model'), UNKNOWN_MODEL_LIMITS);
  assert.equal(modelLimits('someone/new-model', { tpd: 7 }).tpd, 7);
});

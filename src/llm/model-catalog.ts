/**
 * What twinbot knows about Groq's models: free-plan limits, prices, reasoning, retirement. One table, dated, so the
 * operator can see where a number comes from and override it (GROQ_RPM..., price overrides).
 */

/** Requests/tokens per minute and per day, per model (Groq counts them per organisation). */
export interface ModelLimits {
  rpm: number;
  rpd: number;
  tpm: number;
  tpd: number;
}

/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export interface ModelInfo {
  name: string;
  /** Free-plan limits. */
  limits: ModelLimits;
  price: ModelPrice;
  /** The model thinks before answering; its reasoning tokens count as completion tokens. */
  reasoning: boolean;
  /**
   * The cheapest `reasoning_effort` the model accepts: gpt-oss takes low/medium/high, qwen3-32b only none/default
   * (groq-sdk 1.6 types). Absent for models without the parameter.
   */
  reasoningEffort?: 'low' | 'none';
  /** Tokenizer family for local estimates. */
  tokenizer: 'o200k' | 'llama3' | 'qwen';
  /** ISO date (or month) from which Groq no longer serves it. */
  retired?: string;
  /** Model to use instead. */
  replacement?: string;
  /** Where the limits and price were read. */
  source: string;
}

/** When the table was checked. */
export const CATALOG_DATE = '2026-11';
export const CATALOG_SOURCE =
  'shared/FACTS.md (Groq free-plan limits and prices as reported by third parties, checked November 2026)';

/**
 * The model used when GROQ_MODEL is not set.
 * why: the workshop's llama-3.1-8b-instant was retired in August 2026 and now answers `model_decommissioned`.
 */
export const DEFAULT_MODEL = 'openai/gpt-oss-20b';

/**
 * The budgets of a model twinbot does not know, when GROQ_RPM/TPM/RPD/TPD do not say: the lowest of Groq's free-plan
 * figures (FACTS.md), so an unknown model starts cautious and Groq's headers correct it from the first answer.
 */
export const UNKNOWN_MODEL_LIMITS: ModelLimits = { rpm: 30, rpd: 1_000, tpm: 6_000, tpd: 200_000 };

/** A model's budgets: the account's limits where configured, else the catalog's free-plan limits, else the unknown model's. */
export function modelLimits(name: string, configured: Partial<ModelLimits> = {}): ModelLimits {
  const known = describeModel(name)?.limits ?? UNKNOWN_MODEL_LIMITS;
  return {
    rpm: configured.rpm ?? known.rpm,
    tpm: configured.tpm ?? known.tpm,
    rpd: configured.rpd ?? known.rpd,
    tpd: configured.tpd ?? known.tpd,
  };
}

const FACTS = CATALOG_SOURCE;
const QWEN_SOURCE = "Groq's rate-limit and pricing pages (2025); not in FACTS.md, verify before relying on it";

const CATALOG: readonly ModelInfo[] = [
  {
    name: 'openai/gpt-oss-20b',
    limits: { rpm: 30, rpd: 1_000, tpm: 8_000, tpd: 200_000 },
    price: { inputPerMillion: 0.075, outputPerMillion: 0.3 },
    reasoning: true,
    reasoningEffort: 'low',
    tokenizer: 'o200k',
    source: FACTS,
  },
  {
    name: 'openai/gpt-oss-120b',
    limits: { rpm: 30, rpd: 1_000, tpm: 8_000, tpd: 200_000 },
    price: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
    reasoning: true,
    reasoningEffort: 'low',
    tokenizer: 'o200k',
    source: FACTS,
  },
  {
    name: 'qwen/qwen3-32b',
    limits: { rpm: 60, rpd: 1_000, tpm: 6_000, tpd: 500_000 },
    price: { inputPerMillion: 0.29, outputPerMillion: 0.59 },
    reasoning: true,
    reasoningEffort: 'none',
    tokenizer: 'qwen',
    source: QWEN_SOURCE,
  },
  {
    name: 'llama-3.1-8b-instant',
    limits: { rpm: 30, rpd: 14_400, tpm: 6_000, tpd: 500_000 },
    price: { inputPerMillion: 0.05, outputPerMillion: 0.08 },
    reasoning: false,
    tokenizer: 'llama3',
    retired: '2026-08',
    replacement: DEFAULT_MODEL,
    source: FACTS,
  },
  {
    name: 'llama-3.3-70b-versatile',
    limits: { rpm: 30, rpd: 1_000, tpm: 12_000, tpd: 100_000 },
    price: { inputPerMillion: 0.59, outputPerMillion: 0.79 },
    reasoning: false,
    tokenizer: 'llama3',
    retired: '2026-08-16',
    replacement: 'openai/gpt-oss-120b',
    source: "retirement date: FACTS.md; limits and price: Groq's pages (2025), not in FACTS.md",
  },
];

const BY_NAME = new Map(CATALOG.map((info) => [info.name, info]));

/** Every model in the catalog, served and retired. */
export const MODEL_CATALOG: readonly ModelInfo[] = CATALOG;

/** The catalog entry of a model, or `undefined` when twinbot does not know it. */
export function describeModel(name: string): ModelInfo | undefined {
  return BY_NAME.get(name.trim());
}

/**
 * Whether a model reasons, for models outside the catalog too: Groq's reasoning families are gpt-oss and qwen3.
 */
export function isReasoningModel(name: string): boolean {
  const info = describeModel(name);
  if (info) return info.reasoning;
  return /gpt-oss|qwen3/i.test(name);
}

/** The `reasoning_effort` to send so a twin answer does not pay for long thinking; `undefined` = send none. */
export function lowestReasoningEffort(name: string): 'low' | 'none' | undefined {
  const info = describeModel(name);
  if (info) return info.reasoningEffort;
  if (/gpt-oss/i.test(name)) return 'low';
  if (/qwen3/i.test(name)) return 'none';
  return undefined;
}

/**
 * Estimated cost of one call in USD. `overrides` (per model) win over the table. An unknown model costs 0: the
 * caller can warn with `modelWarnings`.
 */
export function estimateCostUsd(
  model: string,
  promptTokens: number,
  completionTokens: number,
  overrides?: Record<string, ModelPrice>,
): number {
  const price = overrides?.[model] ?? describeModel(model)?.price;
  if (!price) return 0;
  return (promptTokens * price.inputPerMillion + completionTokens * price.outputPerMillion) / 1_000_000;
}

/** One warning per configured model that Groq retired or that twinbot does not know; empty when all is well. */
export function modelWarnings(models: string[]): string[] {
  const warnings: string[] = [];
  for (const name of models) {
    const info = describeModel(name);
    if (!info) {
      warnings.push(
        `Model "${name}" is not in twinbot's catalog (${CATALOG_DATE}): its limits and price are unknown, so cost shows as 0 and budgets need GROQ_RPM/GROQ_TPM/GROQ_RPD/GROQ_TPD.`,
      );
    } else if (info.retired) {
      warnings.push(
        `Model "${name}" was retired by Groq (${info.retired}) and answers model_decommissioned; use ${info.replacement ?? DEFAULT_MODEL} or list a fallback in GROQ_FALLBACK_MODELS.`,
      );
    }
  }
  return warnings;
}

/**
 * The models to try, in order: the configured one, its fallbacks, then (when not already listed) the catalog's
 * replacement for a retired model and the default model. why: DESIGN.md wants a retired or unknown GROQ_MODEL to
 * be a fallback at run time, not a refusal, even when no GROQ_FALLBACK_MODELS are set; the gateway only moves on
 * when a model is gone, exhausted or failing, so a working configured model is never bypassed.
 */
export function modelChain(model: string, fallbacks: readonly string[]): string[] {
  const chain = [model, ...fallbacks];
  const replacement = describeModel(model)?.replacement;
  if (replacement) chain.push(replacement);
  chain.push(DEFAULT_MODEL);
  return [...new Set(chain)];
}

/**
 * Reads an experiment from TWIN_EXPERIMENT (a one-line spec) or TWIN_EXPERIMENT_FILE (JSON), with one message per
 * problem, naming the arm and the key, so a start-up error says exactly what to fix.
 *
 * The one-line grammar (README "Experiments"):
 *   TWIN_EXPERIMENT = "name=" <experiment> ( ";" <arm> )+
 *   <arm>           = <key> "=" <value> ( "," <key> "=" <value> )*
 *   keys: arm (the arm's name; default A, B, C, ...), model, temperature (0 to 2), weight (> 0; default 1),
 *         tenants (tenant keys joined by "|", `<platform>:*` for every tenant of a platform),
 *         prompt (a variant of prompt-variants.ts, or file:<path>)
 * e.g. `name=tone-test;model=openai/gpt-oss-20b,temperature=0.7;model=openai/gpt-oss-120b,temperature=0.3,weight=2`.
 * The JSON file holds the same: {"name": "...", "arms": [{"name": "A", "model": "...", "tenants": ["slack:*"]}]}.
 */
import type { Experiment, ExperimentArm, PromptStyle } from './experiment.js';
import { MAX_STYLE_CHARS, PROMPT_VARIANT_NAMES, promptVariant } from './prompt-variants.js';

/** Reads a prompt file named by an arm: its text, or why it cannot be read. */
export type PromptFileReader = (path: string) => { text: string } | { problem: string };

export interface ParsedExperiment {
  experiment?: Experiment;
  problems: string[];
}

const NAME = /^[A-Za-z0-9._-]{1,40}$/;
const ARM_KEYS = ['arm', 'model', 'temperature', 'weight', 'tenants', 'prompt'] as const;
const TENANT = /^(discord|slack|console|api|mcp):[^\s|,;]+$/;

type RawArm = Partial<Record<(typeof ARM_KEYS)[number] | 'name', unknown>>;

/** Parses the one-line TWIN_EXPERIMENT spec. */
export function parseExperimentSpec(spec: string, readPrompt: PromptFileReader): ParsedExperiment {
  const where = 'TWIN_EXPERIMENT';
  const [head = '', ...rest] = spec.split(';').map((s) => s.trim());
  const header = /^name\s*=\s*(.*)$/.exec(head);
  if (!header || head.includes(',')) {
    return {
      problems: [
        `${where} must start with the experiment's name, e.g. "name=tone-test;model=openai/gpt-oss-20b;model=openai/gpt-oss-120b"`,
      ],
    };
  }
  const problems: string[] = [];
  const arms: RawArm[] = [];
  for (const [i, segment] of rest.entries()) {
    if (segment === '') {
      problems.push(`${where} arm ${i + 1} is empty (two ";" in a row?)`);
      continue;
    }
    const arm: RawArm = {};
    for (const pair of segment.split(',')) {
      const eq = pair.indexOf('=');
      const key = (eq > 0 ? pair.slice(0, eq) : pair).trim().toLowerCase();
      const value = eq > 0 ? pair.slice(eq + 1).trim() : '';
      if (!(ARM_KEYS as readonly string[]).includes(key)) {
        problems.push(`${where} arm ${i + 1}: unknown key "${key}"; the keys are ${ARM_KEYS.join(', ')}`);
      } else if (eq <= 0 || value === '') {
        problems.push(`${where} arm ${i + 1}: "${key}" needs a value, as ${key}=...`);
      } else if (key in arm) {
        problems.push(`${where} arm ${i + 1}: "${key}" is given twice`);
      } else {
        arm[key as (typeof ARM_KEYS)[number]] = key === 'tenants' ? value.split('|').map((t) => t.trim()) : value;
      }
    }
    arms.push(arm);
  }
  const checked = checkExperiment(where, header[1]?.trim() ?? '', arms, readPrompt);
  return {
    experiment: problems.length === 0 ? checked.experiment : undefined,
    problems: [...problems, ...checked.problems],
  };
}

/** Parses the JSON of TWIN_EXPERIMENT_FILE (`file` names it in messages). */
export function parseExperimentJson(file: string, json: string, readPrompt: PromptFileReader): ParsedExperiment {
  const where = `TWIN_EXPERIMENT_FILE (${file})`;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    return { problems: [`${where} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  const shape = raw as { name?: unknown; arms?: unknown };
  if (!raw || typeof raw !== 'object' || !Array.isArray(shape.arms)) {
    return { problems: [`${where} must hold {"name": "...", "arms": [{"model": "..."}, ...]}`] };
  }
  const problems: string[] = [];
  const arms: RawArm[] = [];
  for (const [i, arm] of (shape.arms as unknown[]).entries()) {
    if (!arm || typeof arm !== 'object' || Array.isArray(arm)) {
      problems.push(`${where} arm ${i + 1} must be an object like {"model": "openai/gpt-oss-20b"}`);
      continue;
    }
    const { name, ...rest } = arm as RawArm;
    for (const key of Object.keys(rest)) {
      if (!(ARM_KEYS as readonly string[]).includes(key) || key === 'arm') {
        problems.push(
          `${where} arm ${i + 1}: unknown key "${key}"; the keys are name, ${ARM_KEYS.slice(1).join(', ')}`,
        );
      }
    }
    arms.push({ ...rest, arm: name });
  }
  const name = typeof shape.name === 'string' ? shape.name : '';
  const checked = checkExperiment(where, name, arms, readPrompt);
  return {
    experiment: problems.length === 0 ? checked.experiment : undefined,
    problems: [...problems, ...checked.problems],
  };
}

function checkExperiment(where: string, name: string, raws: RawArm[], readPrompt: PromptFileReader): ParsedExperiment {
  const problems: string[] = [];
  if (!NAME.test(name)) {
    problems.push(`${where}: the experiment's name must be 1 to 40 letters, digits, ".", "_" or "-", got "${name}"`);
  }
  if (raws.length < 2) problems.push(`${where} needs at least two arms to compare, got ${raws.length}`);
  const arms: ExperimentArm[] = [];
  for (const [i, raw] of raws.entries()) {
    const arm = checkArm(`${where} arm ${i + 1}`, raw, String.fromCharCode(65 + i), readPrompt, problems);
    if (arms.some((a) => a.name === arm.name)) problems.push(`${where}: two arms are named "${arm.name}"`);
    arms.push(arm);
  }
  return problems.length === 0 ? { experiment: { name, arms }, problems } : { problems };
}

function checkArm(
  where: string,
  raw: RawArm,
  defaultName: string,
  readPrompt: PromptFileReader,
  problems: string[],
): ExperimentArm {
  const arm: ExperimentArm = { name: defaultName, weight: 1 };
  if (raw.arm !== undefined) {
    if (typeof raw.arm === 'string' && NAME.test(raw.arm)) arm.name = raw.arm;
    else problems.push(`${where}: the arm's name must be 1 to 40 letters, digits, ".", "_" or "-", got "${raw.arm}"`);
  }
  if (raw.model !== undefined) {
    if (typeof raw.model === 'string' && /^\S+$/.test(raw.model)) arm.model = raw.model;
    else problems.push(`${where}: model must be a Groq model id like openai/gpt-oss-20b, got "${raw.model}"`);
  }
  const temperature = numberOf(raw.temperature);
  if (raw.temperature !== undefined) {
    if (temperature !== undefined && temperature >= 0 && temperature <= 2) arm.temperature = temperature;
    else problems.push(`${where}: temperature must be a number from 0 to 2, got "${raw.temperature}"`);
  }
  const weight = numberOf(raw.weight);
  if (raw.weight !== undefined) {
    if (weight !== undefined && weight > 0 && weight <= 1_000_000) arm.weight = weight;
    else problems.push(`${where}: weight must be a number above 0, got "${raw.weight}"`);
  }
  if (raw.tenants !== undefined) {
    const tenants = Array.isArray(raw.tenants) ? raw.tenants : [raw.tenants];
    const bad = tenants.filter((t) => typeof t !== 'string' || !TENANT.test(t));
    if (tenants.length === 0 || bad.length > 0) {
      problems.push(
        `${where}: tenants must be tenant keys like discord:123456 or slack:T0123 (or slack:* for every workspace), got "${bad.join('|')}"`,
      );
    } else arm.tenants = tenants as string[];
  }
  if (raw.prompt !== undefined) {
    const prompt = promptStyle(where, raw.prompt, readPrompt, problems);
    if (prompt) arm.prompt = prompt;
  }
  return arm;
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function promptStyle(
  where: string,
  value: unknown,
  readPrompt: PromptFileReader,
  problems: string[],
): PromptStyle | undefined {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.startsWith('file:')) {
    const read = readPrompt(name.slice('file:'.length));
    if ('problem' in read) {
      problems.push(`${where}: prompt ${name}: ${read.problem}`);
      return undefined;
    }
    const text = read.text.trim().replace(/\s+/g, ' ');
    if (text === '' || text.length > MAX_STYLE_CHARS) {
      problems.push(
        `${where}: prompt ${name} must hold 1 to ${MAX_STYLE_CHARS} characters of style, got ${text.length}`,
      );
      return undefined;
    }
    return { name, text };
  }
  const variant = promptVariant(name);
  if (!variant) {
    problems.push(`${where}: prompt must be ${PROMPT_VARIANT_NAMES.join(', ')} or file:<path>, got "${name}"`);
    return undefined;
  }
  return { name: variant.name, text: variant.text };
}

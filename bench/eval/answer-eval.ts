/**
 * What reaches the model, question by question: the real TwinService of a code version (its profile loader, its
 * retriever as main.ts builds it without Upstash, its prompt), with a recording model in place of Groq. For each
 * question it notes whether the twin asked the model at all, whether the prompt held at least one passage a good
 * answer needs, and how many tokens the prompt took (o200k, gpt-oss's vocabulary). Offline (no model) it notes
 * whether the twin answered and whether the answer's passages hold the evidence.
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { CodeVersion } from './code-versions.js';

export interface NaturalQuestion {
  q: string;
  evidence: string[];
  style?: string;
  /** Earlier questions in the conversation, oldest first. */
  history?: string[];
}

export interface QuestionSet {
  name: string;
  profile: string;
  questions: NaturalQuestion[];
  offProfile: string[];
}

export interface SetResult {
  questions: number;
  offProfile: number;
  /** Online: prompts holding at least one evidence passage, of on-profile questions. */
  evidenceInPrompt: number;
  /** Online: on-profile questions declined without a model call. */
  declinedBeforeModel: number;
  /** Online: mean o200k tokens of the prompts sent. */
  meanPromptTokens: number;
  /** Online: off-profile questions declined without a model call (the rest go to the model, told to decline). */
  offDeclinedBeforeModel: number;
  /** Offline: on-profile questions answered with a passage holding the evidence. */
  offlineAnsweredWithEvidence: number;
  /** Offline: on-profile questions declined. */
  offlineDeclined: number;
  /** Offline: off-profile questions declined. */
  offlineOffDeclined: number;
  misses: string[];
}

interface Message {
  role: string;
  content: string;
}

/** The parts of a version's modules the eval uses; both today's code and the baseline have them. */
interface Twin {
  ask(
    request: Record<string, unknown>,
  ): AsyncIterable<{ type: string; answer?: { mode: string; sources: { chunkId: string }[] } }>;
}

const MESSAGE_OVERHEAD = 4;
const silent = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silent;
  },
};

/** Stands in for Groq: records each prompt and answers in one short sentence. */
class RecordingLlm {
  readonly models = ['eval/recorder'];
  prompts: Message[][] = [];
  async *stream(call: { messages: Message[] }) {
    this.prompts.push(call.messages);
    yield { type: 'attempt', model: 'eval/recorder', attempt: 1, queueMs: 0 };
    yield { type: 'delta', text: 'An answer.' };
    yield { type: 'usage', model: 'eval/recorder', promptTokens: 0, completionTokens: 3 };
    yield { type: 'done', model: 'eval/recorder' };
  }
}

async function buildTwin(version: CodeVersion, profilePath: string, llm: RecordingLlm | undefined): Promise<Twin> {
  const { loadProfile } = await import(`${version.root}src/profile/load-profile.ts`);
  const { buildRetriever } = await import(`${version.root}src/main.ts`);
  const { TwinService } = await import(`${version.root}src/core/twin-service.ts`);
  const { profile } = await loadProfile(profilePath);
  const config = { upstash: undefined, twin: { autoSync: false } };
  const retriever = await buildRetriever(config, profile, silent);
  const usage = { record: async () => {}, summarize: async () => ({}), close: async () => {} };
  return new TwinService({
    profile,
    retriever,
    llm,
    usage,
    logger: silent,
    options: {
      deadlineMs: 60_000,
      userRate: { perMinute: 1_000_000, concurrent: 1_000 },
      admins: [],
      maxTokens: 500,
    },
  }) as Twin;
}

function turnsOf(history: string[] = []) {
  return history.flatMap((text) => [
    { role: 'user', text },
    // why: the eval has no real earlier answers; a short neutral one keeps history costs alike in both versions.
    { role: 'twin', text: 'I answered that from my profile.' },
  ]);
}

async function ask(twin: Twin, question: string, history: string[] | undefined, n: number) {
  let final: { mode: string; sources: { chunkId: string }[] } | undefined;
  const request = {
    platform: 'console',
    tenantId: 'console:local',
    channelId: `eval-${n}`,
    userId: `eval-${n}`,
    command: 'cli',
    question,
    history: turnsOf(history),
  };
  for await (const event of twin.ask(request)) if (event.type === 'final') final = event.answer;
  return final;
}

function promptTokens(messages: Message[]): number {
  return messages.reduce((sum, m) => sum + countTokens(m.content) + MESSAGE_OVERHEAD, 0);
}

function holdsEvidence(messages: Message[], evidence: string[]): boolean {
  const text = messages.map((m) => m.content).join('\n');
  return evidence.some((id) => text.includes(`<chunk id="${id}"`));
}

export async function evaluateSet(version: CodeVersion, set: QuestionSet, profilePath: string): Promise<SetResult> {
  const llm = new RecordingLlm();
  const online = await buildTwin(version, profilePath, llm);
  const offline = await buildTwin(version, profilePath, undefined);
  const r: SetResult = {
    questions: set.questions.length,
    offProfile: set.offProfile.length,
    evidenceInPrompt: 0,
    declinedBeforeModel: 0,
    meanPromptTokens: 0,
    offDeclinedBeforeModel: 0,
    offlineAnsweredWithEvidence: 0,
    offlineDeclined: 0,
    offlineOffDeclined: 0,
    misses: [],
  };
  let tokens = 0;
  let n = 0;
  for (const { q, evidence, history } of set.questions) {
    const before = llm.prompts.length;
    await ask(online, q, history, n++);
    const prompt = llm.prompts.length > before ? llm.prompts.at(-1) : undefined;
    if (!prompt) {
      r.declinedBeforeModel++;
      r.misses.push(`  declined before the model: "${q}"`);
    } else {
      tokens += promptTokens(prompt);
      if (holdsEvidence(prompt, evidence)) r.evidenceInPrompt++;
      else r.misses.push(`  no evidence in the prompt: "${q}" (wanted ${evidence.join(', ')})`);
    }
    const answer = await ask(offline, q, history, n++);
    if (!answer || answer.mode === 'declined') r.offlineDeclined++;
    else if (answer.sources.some((s) => evidence.includes(s.chunkId))) r.offlineAnsweredWithEvidence++;
  }
  const sent = r.questions - r.declinedBeforeModel;
  for (const q of set.offProfile) {
    const before = llm.prompts.length;
    await ask(online, q, undefined, n++);
    if (llm.prompts.length === before) r.offDeclinedBeforeModel++;
    else tokens += promptTokens(llm.prompts.at(-1)!);
    const answer = await ask(offline, q, undefined, n++);
    if (!answer || answer.mode === 'declined') r.offlineOffDeclined++;
    else r.misses.push(`  off-profile answered offline: "${q}" (${answer.sources.map((s) => s.chunkId).join(', ')})`);
  }
  const prompts = sent + (r.offProfile - r.offDeclinedBeforeModel);
  r.meanPromptTokens = prompts > 0 ? tokens / prompts : 0;
  return r;
}

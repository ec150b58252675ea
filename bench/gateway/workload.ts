/**
 * The gateway bench's workload: the limits, the time scale, a twin-sized prompt and answer, and issue 5's four
 * scenarios as lists of timed questions.
 */
import type { LlmMessage } from '../../src/core/ports.js';
import type { ChatRequestBody, FakeGroqOptions } from '../../test/fakes/groq/fake-groq-server.js';
import { defaultAnswer } from '../../test/fakes/groq/groq-wire.js';

export const MODEL = 'openai/gpt-oss-20b';

/** The bench's "minute": 1 s, i.e. time runs 60x faster than production. */
export const WINDOW_MS = 1_000;
export const SCALE = 60_000 / WINDOW_MS;

/**
 * The account's real limits, enforced by the fake. gpt-oss-20b's free-plan RPM and TPM; the day limits are set high
 * enough not to bind within a run (the free plan's 200 000 TPD would end a 300-question burst).
 */
export const LIMITS = { rpm: 30, tpm: 8_000, rpd: 14_400, tpd: 1_000_000 };

/** Completion limit sent with every request (and reserved by the gateway at admission). */
export const MAX_TOKENS = 500;

/** Model time the fake simulates: thinking before the first byte, then chunks. */
export const FAKE_TIMING = { latencyMs: 20, chunkDelayMs: 2, chunkChars: 24 } satisfies FakeGroqOptions;

const PROFILE_EXCERPT = [
  'You are the digital twin of Dana Reyes, a staff software engineer. Answer in the first person as Dana, only from',
  'the profile excerpts below; if they do not cover the question, say so briefly. Keep answers under 150 words.',
  '--- profile ---',
  'Experience: Staff Engineer at Northwind Logistics (2021-now). I lead the routing platform team of seven. I moved',
  'the dispatch service from a nightly batch to streaming on Kafka, which cut late deliveries by 18 percent. I set',
  'up the on-call rotation and a blameless postmortem habit; pages dropped from 40 to 9 a month in two quarters.',
  'Senior Engineer at Fabrikam Health (2017-2021): built the claims ingestion pipeline in Go and PostgreSQL that',
  'processes 2 million claims a day, and mentored four junior engineers, two of whom became team leads.',
  'Skills: Go (8 years), TypeScript (6 years), Python (5 years); PostgreSQL, Redis, Kafka; AWS and GCP; Terraform.',
  'Projects: open-source rate limiter for Go with token buckets shared over Redis (1.2k stars); a small ML model that',
  'predicts delivery delays from weather and traffic data, used by dispatchers every morning.',
  'Education: BSc Computer Science, University of Lisbon, 2015; thesis on distributed consensus under partitions.',
  'Goals: grow into a principal engineer role on platform reliability; learn more about applied ML in operations.',
  'Soft skills: calm in incidents, clear writing, I like turning tribal knowledge into runbooks and checklists.',
  '--- end of profile ---',
].join('\n');

const QUESTIONS = [
  'What do you do at Northwind?',
  'Which languages are you strongest in?',
  'Tell me about a project you are proud of.',
  'How did you reduce on-call pages?',
  'What did you study?',
  'What are your career goals?',
  'Have you mentored people?',
  'What is your experience with Kafka?',
];

const EXTRA =
  ' In practice that meant talking to the people who used the system every day, writing down what hurt, and fixing ' +
  'the worst problem first rather than the most interesting one. I measured before and after, shared the numbers ' +
  'with the team, and kept the changes small enough to roll back. That habit has served me well in every role, and ' +
  'it is what I would bring to a new team as well, together with a strong bias for clear documentation and calm, ' +
  'well-rehearsed incident response.';

/** The fake's answer: a deterministic first-person reply of about 150 tokens. */
export function benchAnswer(body: ChatRequestBody): string {
  return defaultAnswer(body) + EXTRA;
}

export type TenantClass = 'burst' | 'flood' | 'quiet';

export interface Question {
  id: number;
  tenantId: string;
  cls: TenantClass;
  /** Ms after the scenario's start. */
  at: number;
  messages: LlmMessage[];
}

export interface Scenario {
  key: string;
  title: string;
  questions: Question[];
  /** Faults injected by the fake. */
  faults?: FakeGroqOptions['faults'];
  /** Limits the contenders are told (the fake always enforces LIMITS). */
  configured: typeof LIMITS;
}

function question(id: number, tenantId: string, cls: TenantClass, at: number): Question {
  const q = QUESTIONS[id % QUESTIONS.length] as string;
  return {
    id,
    tenantId,
    cls,
    at,
    messages: [
      { role: 'system', content: PROFILE_EXCERPT },
      { role: 'user', content: `${q} (question ${id})` },
    ],
  };
}

/** A seeded shuffle, so every contender sees the same arrival order. */
function shuffle<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function burst(): Question[] {
  const tenants = Array.from({ length: 6 }, (_, i) => `discord:guild${i + 1}`);
  const order = shuffle(
    tenants.flatMap((t) => Array.from({ length: 50 }, () => t)),
    7,
  );
  return order.map((tenant, id) => question(id, tenant, 'burst', 0));
}

function noisyNeighbour(): Question[] {
  const flood = Array.from({ length: 200 }, (_, id) => question(id, 'discord:noisy', 'flood', 0));
  // why: "a moment later": 100 ms, i.e. 6 s at production scale, once the flood has drained the minute's budget.
  const quiet = Array.from({ length: 25 }, (_, i) =>
    question(200 + i, i % 5 === 0 ? 'slack:T1' : `discord:quiet${i % 5}`, 'quiet', 100),
  );
  return [...flood, ...quiet];
}

export function scenarios(): Scenario[] {
  return [
    { key: 'a', title: '(a) burst: 300 questions from 6 tenants at once', questions: burst(), configured: LIMITS },
    {
      key: 'b',
      title: '(b) noisy neighbour: one tenant floods 200, five others send 5 each 100 ms later',
      questions: noisyNeighbour(),
      configured: LIMITS,
    },
    {
      key: 'c',
      title: '(c) faults: the burst of (a) with 20% 503 and 5% mid-stream stalls',
      questions: burst(),
      faults: { rate503: 0.2, rateStall: 0.05, seed: 42 },
      configured: LIMITS,
    },
    {
      key: 'd',
      title: '(d) misconfigured: the burst of (a), limits configured 2x higher than the account has',
      questions: burst(),
      configured: { rpm: LIMITS.rpm * 2, tpm: LIMITS.tpm * 2, rpd: LIMITS.rpd * 2, tpd: LIMITS.tpd * 2 },
    },
  ];
}

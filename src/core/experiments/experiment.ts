/**
 * An experiment (issue 17): named arms that differ in model, temperature or prompt style, each shown to a share of
 * the people asking. Assignment is sticky: a hash of tenant, user and experiment name picks the arm, so one person
 * keeps seeing one arm across questions, restarts and replicas, and a new experiment name reshuffles everyone.
 */
import { createHash } from 'node:crypto';

/** A prompt style the arm answers in (prompt-variants.ts): a fixed variant's name or `file:<path>`, and its text. */
export interface PromptStyle {
  name: string;
  /** The style line of the system instructions (core/prompt.ts), in place of the default one. */
  text: string;
}

export interface ExperimentArm {
  /** Letters, digits, `.`, `_`, `-`; recorded in the ledger's `arm` column. */
  name: string;
  /** Absent: GROQ_MODEL. The gateway falls back from it along GROQ_FALLBACK_MODELS as usual. */
  model?: string;
  /** Absent: GROQ_TEMPERATURE. */
  temperature?: number;
  /** Share of the traffic relative to the other arms a tenant may see; > 0. */
  weight: number;
  /** Absent: every tenant. Else tenant keys (`discord:123`) or every tenant of a platform (`slack:*`). */
  tenants?: readonly string[];
  /** Absent: the default style. */
  prompt?: PromptStyle;
}

export interface Experiment {
  /** Recorded in the ledger's `experiment` column; part of the assignment hash. */
  name: string;
  arms: readonly ExperimentArm[];
}

/** The arm one request runs in. */
export interface ArmAssignment {
  experiment: string;
  arm: ExperimentArm;
}

/** Whether an arm may serve a tenant: no limit, the tenant's key, or its platform's `<platform>:*`. */
export function armServesTenant(arm: ExperimentArm, tenantId: string): boolean {
  if (!arm.tenants) return true;
  return arm.tenants.some((t) => t === tenantId || (t.endsWith(':*') && tenantId.startsWith(t.slice(0, -1))));
}

/** A number in [0, 1) fixed by the experiment, tenant and user: the same on every replica and after restarts. */
export function assignmentPoint(experiment: string, tenantId: string, userId: string): number {
  const digest = createHash('sha256').update(`${experiment}\u0000${tenantId}\u0000${userId}`).digest();
  // why: 48 bits are exact in a double and leave no visible bias however many arms there are.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The arm of one person: the arms that serve their tenant, in configured order, each taking a slice of [0, 1) as
 * wide as its share of their weights. Undefined when no arm serves the tenant: the request runs as configured
 * without an experiment.
 */
export function assignArm(experiment: Experiment, tenantId: string, userId: string): ArmAssignment | undefined {
  const eligible = experiment.arms.filter((a) => armServesTenant(a, tenantId));
  const total = eligible.reduce((sum, a) => sum + a.weight, 0);
  if (eligible.length === 0 || !(total > 0)) return undefined;
  const point = assignmentPoint(experiment.name, tenantId, userId) * total;
  let edge = 0;
  for (const arm of eligible) {
    edge += arm.weight;
    if (point < edge) return { experiment: experiment.name, arm };
  }
  // why: rounding can leave the sum a hair under `point`; the last arm owns the end of the range.
  return { experiment: experiment.name, arm: eligible.at(-1) as ExperimentArm };
}

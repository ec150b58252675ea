/** What an experiment arm changes in answering: the LLM call's models and temperature, and the answer cache's key. */
import type { LlmCall } from '../ports.js';
import type { ArmAssignment } from './experiment.js';

/**
 * The arm's model (with the fallbacks `modelChain` gives after it) and temperature, for the LLM call; nothing outside
 * an experiment or for what the arm leaves as configured.
 */
export function armCallOptions(
  assignment: ArmAssignment | undefined,
  modelChain?: (model: string) => readonly string[],
): Pick<LlmCall, 'models' | 'temperature'> {
  const arm = assignment?.arm;
  const call: Pick<LlmCall, 'models' | 'temperature'> = {};
  if (arm?.model) call.models = modelChain?.(arm.model) ?? [arm.model];
  if (arm?.temperature !== undefined) call.temperature = arm.temperature;
  return call;
}

/**
 * Everything an answer depends on besides the profile version and the question, for the cache key: the configured
 * setting (`setting`), and the arm's name, model, temperature and style. why the style's text and not its name: a
 * `file:` style edited under the same name must not reuse answers written in the old one.
 */
export function answerVariant(setting: string, assignment: ArmAssignment | undefined): string {
  const arm = assignment?.arm;
  if (!arm) return setting;
  return JSON.stringify([setting, assignment.experiment, arm.name, arm.model, arm.temperature, arm.prompt?.text]);
}

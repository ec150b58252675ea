/**
 * What the assistant status rotates through while the twin works (assistant.threads.setStatus `loading_messages`):
 * the core's progress note first, then a few words of what happens next. Progress words only, never failure words.
 */
import type { LiveView } from '../../core/reply-surface.js';

/** why: while retrieval and the model run, a rotating line says the twin is still at it. */
const WORKING = ['Reading my profile…', 'Looking through my experience…', 'Putting an answer together…'];

/** The lines Slack rotates under the status; a place in line is news on its own and is not mixed with others. */
export function loadingMessages(status: string, phase: LiveView['phase']): string[] {
  if (phase === 'queued') return [status];
  return [status, ...WORKING.filter((line) => line !== status)];
}

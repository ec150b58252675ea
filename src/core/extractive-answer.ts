/**
 * Offline mode: without a language model the twin answers with the profile's own first-person prose.
 * The best chunk always; the second too when it scores close to the best (the question spans both).
 */
import type { RetrievedChunk } from './types.js';

export const OFFLINE_NOTICE =
  "I'm running without a language model (no GROQ_API_KEY), so I answer with passages from my profile as written.";

export function extractiveAnswer(chunks: RetrievedChunk[]): { text: string; used: RetrievedChunk[] } {
  const [best, second] = chunks;
  if (!best) return { text: '', used: [] };
  const used = second && second.score >= best.score * 0.8 ? [best, second] : [best];
  return { text: used.map((r) => r.chunk.text.trim()).join('\n\n'), used };
}

/** For `twinbot doctor`: is the key accepted, and does Groq serve the configured models? One cheap call. */
import Groq from 'groq-sdk';
import { translateGroqError } from './groq-errors.js';

export interface GroqCheck {
  /** Configured models Groq lists. */
  served: string[];
  /** Configured models Groq does not list (retired or misspelt). */
  missing: string[];
}

export async function checkGroq(options: {
  apiKey: string;
  baseURL?: string;
  models: string[];
  timeoutMs: number;
}): Promise<GroqCheck> {
  const client = new Groq({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });
  try {
    const list = await client.models.list();
    const ids = new Set(list.data.map((m) => m.id));
    return {
      served: options.models.filter((m) => ids.has(m)),
      missing: options.models.filter((m) => !ids.has(m)),
    };
  } catch (err) {
    throw translateGroqError(err, options.models[0] ?? '', { secrets: [options.apiKey] });
  }
}

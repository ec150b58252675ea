/**
 * The smallest twin worth a service: one profile with one chunk, and a retriever that always finds it. For tests of
 * rules that do not depend on retrieval (quotas, reports).
 */
import type { ProfileRetriever } from '../../src/core/ports.js';
import type { Chunk, TwinProfile } from '../../src/core/types.js';

export const ONE_CHUNK: Chunk = {
  id: 'c',
  title: 'Education',
  type: 'education',
  text: 'I studied physics.',
  metadata: { category: 'education', tags: [], section: [] },
  hash: 'h',
};

export const ONE_CHUNK_PROFILE: TwinProfile = {
  name: 'Ada',
  version: 'v',
  chunks: [ONE_CHUNK],
  exampleQuestions: [],
  overview: { text: 'Name: Ada', introduction: "I'm Ada." },
};

export const FINDS_THE_CHUNK: ProfileRetriever = {
  name: 'fixed',
  retrieve: async () => [{ chunk: ONE_CHUNK, score: 1 }],
};

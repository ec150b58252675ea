/**
 * Ada Quill, the twin of the core's service tests: one education chunk, a profile around it, and a question from
 * one Discord user of one tenant. For tests whose retrieval is fixed and whose subject is what the service does.
 */
import type { AskRequest, Chunk, TwinProfile } from '../../src/core/types.js';

export const ADA_CHUNK: Chunk = {
  id: 'edu',
  title: 'Education',
  type: 'education',
  text: 'I studied physics at Harlow University and graduated in 2015.',
  metadata: { category: 'education', tags: ['university'], section: ['education'] },
  hash: 'h1',
};

export const ADA_PROFILE: TwinProfile = {
  name: 'Ada Quill',
  title: 'Engineer',
  version: 'v1',
  chunks: [ADA_CHUNK],
  exampleQuestions: ['Where did you study?'],
  overview: { text: 'Name: Ada Quill', introduction: "I'm Ada Quill." },
};

/** `question` asked with /ask-twin by user u1 in channel c1 of tenant discord:1, unless `extra` says otherwise. */
export const askAda = (question: string, extra: Partial<AskRequest> = {}): AskRequest => ({
  platform: 'discord',
  tenantId: 'discord:1',
  channelId: 'c1',
  userId: 'u1',
  command: 'ask-twin',
  question,
  ...extra,
});

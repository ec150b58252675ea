/**
 * How the fake Groq writes an answer: a plain JSON completion, or an SSE stream of `chat.completion.chunk`s ending
 * with Groq's usage under `x_groq.usage` and `data: [DONE]`; with reasoning shown the way Groq shows it unless the
 * request hides it, and with the scripted or random faults (stall, error inside the stream, dropped connection).
 */
import type { ServerResponse } from 'node:http';
import {
  type ChatRequestBody,
  countTextTokens,
  type GroqUsage,
  isReasoningModel,
  reasoningText,
  splitChars,
  truncateToTokens,
  usageOf,
} from './groq-wire.js';

export interface AnswerPlan {
  content: string;
  reasoning: string;
  /** parsed: a `reasoning` field; raw: `<think>` inside the content (qwen's default); hidden: not sent. */
  reasoningMode: 'parsed' | 'raw' | 'hidden';
  finishReason: 'stop' | 'length';
  usage: GroqUsage;
  /** Send a separate usage chunk after the final one. */
  usageChunk: boolean;
}

export type AnswerFault =
  | { kind: 'stall'; afterChars?: number }
  | { kind: 'stream_error'; afterChars?: number; error?: { message: string; type?: string; code?: string } }
  | { kind: 'drop'; afterChars?: number };

export interface AnswerWriter {
  res: ServerResponse;
  sleep: (ms: number) => Promise<void>;
  chunkDelayMs: number;
  chunkChars: number;
}

export type AnswerOutcome = 'ok' | 'stalled' | 'failed' | 'aborted';

/** Decides the text, reasoning, finish reason and usage of one answer (reasoning tokens count as completion). */
export function planAnswer(
  body: ChatRequestBody,
  text: string,
  promptTokens: number,
  maxCompletion: number | undefined,
  usage?: { prompt_tokens: number; completion_tokens: number },
): AnswerPlan {
  const thinking = isReasoningModel(body.model) ? reasoningText(body) : '';
  const hidden = body.include_reasoning === false || body.reasoning_format === 'hidden';
  const qwenDefault = /qwen3/i.test(body.model) && body.include_reasoning !== true;
  const reasoningMode = hidden
    ? 'hidden'
    : body.reasoning_format === 'raw' || (qwenDefault && !body.reasoning_format)
      ? 'raw'
      : 'parsed';
  const budget = maxCompletion ?? Number.POSITIVE_INFINITY;
  let reasoning = thinking;
  let content = text;
  let finishReason: AnswerPlan['finishReason'] = 'stop';
  const reasoningTokens = countTextTokens(reasoning);
  if (reasoningTokens >= budget) {
    reasoning = truncateToTokens(reasoning, budget);
    content = '';
    finishReason = 'length';
  } else if (reasoningTokens + countTextTokens(content) > budget) {
    content = truncateToTokens(content, budget - reasoningTokens);
    finishReason = 'length';
  }
  const completionTokens = countTextTokens(reasoning) + countTextTokens(content);
  if (reasoningMode === 'raw' && reasoning) content = `<think>${reasoning}</think>${content}`;
  return {
    content,
    reasoning,
    reasoningMode,
    finishReason,
    usage: usageOf(usage?.prompt_tokens ?? promptTokens, usage?.completion_tokens ?? completionTokens),
    usageChunk: body.stream_options?.include_usage === true,
  };
}

function faultAt(fault: AnswerFault | undefined): number {
  return fault ? Math.max(0, fault.afterChars ?? 0) : Number.POSITIVE_INFINITY;
}

/** Writes the non-streamed completion. A stall sends the headers and then nothing. */
export function writeJsonAnswer(
  writer: AnswerWriter,
  body: ChatRequestBody,
  plan: AnswerPlan,
  headers: Record<string, string>,
  fault: AnswerFault | undefined,
): AnswerOutcome {
  const { res } = writer;
  if (fault?.kind === 'drop') {
    res.destroy();
    return 'failed';
  }
  if (fault?.kind === 'stall') {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.flushHeaders();
    return 'stalled';
  }
  if (fault?.kind === 'stream_error') {
    res.writeHead(500, { 'content-type': 'application/json', ...headers });
    res.end(
      JSON.stringify({ error: fault.error ?? { message: 'Internal Server Error', type: 'internal_server_error' } }),
    );
    return 'failed';
  }
  const message: Record<string, unknown> = { role: 'assistant', content: plan.content };
  if (plan.reasoningMode === 'parsed' && plan.reasoning) message.reasoning = plan.reasoning;
  const completion = {
    id: `chatcmpl-${headers['x-request-id']}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage: plan.usage,
    system_fingerprint: 'fp_fake',
    x_groq: { id: headers['x-request-id'] },
  };
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(completion));
  return 'ok';
}

/** Writes the SSE stream chunk by chunk, pausing `chunkDelayMs` between chunks. */
export async function writeStreamAnswer(
  writer: AnswerWriter,
  body: ChatRequestBody,
  plan: AnswerPlan,
  headers: Record<string, string>,
  fault: AnswerFault | undefined,
): Promise<AnswerOutcome> {
  const { res, sleep, chunkDelayMs, chunkChars } = writer;
  const requestId = headers['x-request-id'];
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) => ({
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion.chunk',
    created,
    model: body.model,
    system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...extra,
  });
  const send = async (data: unknown, pause: boolean): Promise<boolean> => {
    if (res.destroyed) return false;
    if (pause && chunkDelayMs > 0) {
      await sleep(chunkDelayMs);
      if (res.destroyed) return false;
    }
    res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    return true;
  };

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  if (!(await send(chunk({ role: 'assistant', content: '' }, null, { x_groq: { id: requestId } }), false))) {
    return 'aborted';
  }
  if (plan.reasoningMode === 'parsed') {
    for (const piece of splitChars(plan.reasoning, chunkChars)) {
      if (!(await send(chunk({ reasoning: piece }, null), true))) return 'aborted';
    }
  }
  const cut = faultAt(fault);
  const before = cut === Number.POSITIVE_INFINITY ? plan.content : Array.from(plan.content).slice(0, cut).join('');
  for (const piece of splitChars(before, chunkChars)) {
    if (!(await send(chunk({ content: piece }, null), true))) return 'aborted';
  }
  if (fault) {
    if (fault.kind === 'stall') return 'stalled'; // why: keep the socket open and silent.
    if (fault.kind === 'drop') {
      // why: let the text already written reach the client (an SSE comment with a write callback), then cut.
      await new Promise<void>((resolve) => res.write(': flush\n\n', () => resolve()));
      res.destroy();
      return 'failed';
    }
    const error = fault.error ?? { message: 'Internal Server Error', type: 'internal_server_error' };
    await send({ error }, true);
    res.end();
    return 'failed';
  }
  const finalChunk = chunk({}, plan.finishReason, { x_groq: { id: requestId, usage: plan.usage } });
  if (!(await send(finalChunk, true))) return 'aborted';
  if (plan.usageChunk) {
    const usageChunk = { ...chunk({}, null), choices: [], usage: plan.usage };
    if (!(await send(usageChunk, false))) return 'aborted';
  }
  if (!(await send('[DONE]', false))) return 'aborted';
  res.end();
  return 'ok';
}

/**
 * The shared adapter scenarios (where they apply) through the HTTP API: the real OpenAiApiAdapter on a real socket of
 * 127.0.0.1, driven by the `openai` npm client; a question is a chat completion (the slash command: without
 * streaming; the mention: streamed), and what a person sees is the answer and its `twin_sources`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import OpenAI from 'openai';
import { startHealthServer } from '../../../src/adapters/http/health-server.js';
import { OpenAiApiAdapter, twinModelId } from '../../../src/adapters/openai-api/openai-api-adapter.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { type AdapterDriver, runAdapterScenarios, type Visible } from '../adapter-scenarios.js';

const KEY = 'sk-scenarios-0123456789';

function visible(text: string): Visible {
  return { text, messages: 1, notifiesNobody: true, ephemeral: false, linksShown: true };
}

function withSources(text: string, sources: { title: string }[] | undefined): string {
  const titles = [...new Set((sources ?? []).map((s) => s.title))];
  return titles.length > 0 ? `${text}\nSources: ${titles.join(', ')}` : text;
}

/** What a developer reads of a refusal: the error's own message, as the client surfaces it. */
function refusal(err: unknown): Visible {
  if (!(err instanceof OpenAI.APIError)) throw err;
  return visible((err.error as { message?: string } | undefined)?.message ?? err.message);
}

describe('HTTP API: shared scenarios', () => {
  let h: TwinHarness;
  let server: Server;
  let driver: AdapterDriver;
  let adapter: OpenAiApiAdapter;

  before(async () => {
    // why maxTokens 4 000: the long-answer scenario needs more than the harness's default 500 completion tokens.
    h = await startTwinHarness({ groq: {}, options: { maxTokens: 4_000 } });
    adapter = new OpenAiApiAdapter({ twin: h.twin, clients: [{ name: 'scenarios', key: KEY }], logger: h.logger });
    await adapter.start();
    server = await startHealthServer(0, { status: () => 'ok' }, '127.0.0.1', [(q, s) => adapter.handle(q, s)]);
    const { port } = server.address() as AddressInfo;
    const client = new OpenAI({ apiKey: KEY, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const messages = (question: string) => [{ role: 'user' as const, content: question }];
    driver = {
      name: 'openai-api',
      groq: h.groq as FakeGroq,
      traits: { oneMessage: true },
      async slashAsk(question) {
        try {
          const completion = await client.chat.completions.create({
            model: twinModelId(h.twin.profile),
            messages: messages(question),
          });
          const extra = completion as unknown as { twin_sources?: { title: string }[] };
          return visible(withSources(completion.choices[0]?.message.content ?? '', extra.twin_sources));
        } catch (err) {
          return refusal(err);
        }
      },
      async mention(question) {
        try {
          // why: `model` may be left empty: the API serves one model.
          const stream = await client.chat.completions.create({
            messages: messages(question),
            stream: true,
            model: '',
          });
          let text = '';
          let sources: { title: string }[] | undefined;
          for await (const chunk of stream) {
            text += chunk.choices[0]?.delta.content ?? '';
            sources = (chunk as unknown as { twin_sources?: { title: string }[] }).twin_sources ?? sources;
          }
          return visible(withSources(text, sources));
        } catch (err) {
          return refusal(err);
        }
      },
    };
  });
  after(async () => {
    await adapter.stop(0);
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  runAdapterScenarios(() => driver);
});

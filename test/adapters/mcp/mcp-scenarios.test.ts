/**
 * The shared adapter scenarios (where they apply) through MCP: the real McpHttpDoor on a real socket of 127.0.0.1,
 * driven by the MCP SDK's own client; a question is a call of `ask_twin`, and what a person sees is its text.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHealthServer } from '../../../src/adapters/http/health-server.js';
import { McpHttpDoor } from '../../../src/adapters/mcp/mcp-http-door.js';
import type { FakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { startTwinHarness, type TwinHarness } from '../../support/twin-harness.js';
import { type AdapterDriver, runAdapterScenarios } from '../adapter-scenarios.js';
import { textOf } from './mcp-client-checks.js';

const KEY = 'sk-scenarios-0123456789';

describe('MCP: shared scenarios', () => {
  let h: TwinHarness;
  let server: Server;
  let door: McpHttpDoor;
  let client: Client;
  let driver: AdapterDriver;

  before(async () => {
    // why maxTokens 4 000: the long-answer scenario needs more than the harness's default 500 completion tokens.
    h = await startTwinHarness({ groq: {}, options: { maxTokens: 4_000 } });
    door = new McpHttpDoor({
      twin: h.twin,
      search: async () => [],
      clients: [{ name: 'scenarios', key: KEY }],
      logger: h.logger,
      version: '0.0.0',
    });
    await door.start();
    server = await startHealthServer(0, { status: () => 'ok' }, '127.0.0.1', [(q, s) => door.handle(q, s)]);
    const { port } = server.address() as AddressInfo;
    client = new Client({ name: 'scenario-client', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${KEY}` } },
      }),
    );
    const ask = async (question: string) => {
      const result = await client.callTool({ name: 'ask_twin', arguments: { question } });
      return { text: textOf(result), messages: 1, notifiesNobody: true, ephemeral: false, linksShown: true };
    };
    driver = { name: 'mcp', groq: h.groq as FakeGroq, traits: { oneMessage: true }, slashAsk: ask, mention: ask };
  });
  after(async () => {
    await client.close();
    await door.stop(0);
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  runAdapterScenarios(() => driver);
});

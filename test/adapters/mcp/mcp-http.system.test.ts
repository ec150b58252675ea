/**
 * MCP over Streamable HTTP at /mcp of the real `twinbot start` (TWIN_MCP=1): the MCP SDK's own client, a bearer key
 * from TWIN_API_KEYS, and the ledger under the key's tenant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type FakeGroq, startFakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { type BotOnPort, startBotOnPort } from '../../support/bot-on-port.js';
import { runCli, tempWorkdir } from '../../support/run-cli.js';
import { expectInvalidCall, textOf } from './mcp-client-checks.js';

const KEY = 'sk-ide-0123456789abcdef';
const ANSWER = 'My career goal is to lead a platform team.';

describe('MCP over Streamable HTTP on PORT', () => {
  let groq: FakeGroq;
  let bot: BotOnPort;
  let cwd: string;
  let env: Record<string, string>;

  const connect = async (key: string) => {
    const client = new Client({ name: 'ide-agent', version: '0.1.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${bot.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    });
    await client.connect(transport);
    return client;
  };

  before(async () => {
    groq = await startFakeGroq({ answer: () => ANSWER });
    cwd = tempWorkdir();
    env = {
      GROQ_API_KEY: 'gsk_test_key_123456',
      GROQ_BASE_URL: groq.url,
      TWIN_API_KEYS: `ide:${KEY}`,
      TWIN_MCP: '1',
    };
    bot = await startBotOnPort(env, cwd);
  });
  after(async () => {
    await bot?.stop();
    await groq?.close();
  });

  test('a bad bearer key is refused with 401 before anything is read', async () => {
    await assert.rejects(connect('sk-not-a-key'), /401|Unauthorized/);
    const raw = await fetch(`${bot.url}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(raw.status, 401);
    assert.doesNotMatch(bot.run.stderr(), /sk-not-a-key/);
  });

  test('lists the tools, calls both, and refuses an invalid call', async () => {
    const client = await connect(KEY);
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['ask_twin', 'search_profile']);

    const asked = await client.callTool({ name: 'ask_twin', arguments: { question: 'What are your career goals?' } });
    const structured = asked.structuredContent as { answer: string; sources: unknown[] };
    assert.equal(structured.answer, ANSWER);
    assert.ok(structured.sources.length > 0);
    assert.match(textOf(asked), /lead a platform team/);

    const found = await client.callTool({ name: 'search_profile', arguments: { question: 'career goals', top: 3 } });
    const { results } = found.structuredContent as { results: { rank: number; why: string[] }[] };
    assert.ok(results.length > 0 && results.length <= 3);

    await expectInvalidCall(client.callTool({ name: 'search_profile', arguments: { question: 42 } }));
    await client.close();
  });

  test("the calls are metered under the key's tenant", async () => {
    const exit = await bot.stop();
    assert.equal(exit.code, 0, exit.stderr);
    const json = await runCli(['usage', '--tenant', 'api:ide', '--json'], env, cwd);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { platform: string; command: string; tenantId: string }[];
    assert.deepEqual(
      rows.map((r) => `${r.tenantId} ${r.platform} ${r.command}`),
      ['api:ide mcp ask_twin'],
    );
  });
});

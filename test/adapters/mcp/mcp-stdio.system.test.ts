/**
 * `twinbot mcp` as Claude Desktop runs it: the MCP SDK's own client starts the real command over stdio, lists and
 * calls the tools, reads the overview, and the ledger holds the calls under `mcp:<client name>`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type FakeGroq, startFakeGroq } from '../../fakes/groq/fake-groq-server.js';
import { CLI, runCli, tempWorkdir } from '../../support/run-cli.js';
import { expectInvalidCall, textOf } from './mcp-client-checks.js';

const TSX = import.meta.resolve('tsx');
const ANSWER = 'I studied computer science at Aldermoor and loved distributed systems.';

describe('twinbot mcp over stdio', () => {
  let groq: FakeGroq;
  let client: Client;
  let transport: StdioClientTransport;
  let cwd: string;
  let env: Record<string, string>;
  let stderr = '';
  const transportErrors: Error[] = [];

  before(async () => {
    groq = await startFakeGroq({ answer: () => ANSWER });
    cwd = tempWorkdir();
    env = {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      DATABASE_URL: `file:${join(cwd, 'twin.db')}`,
      GROQ_API_KEY: 'gsk_test_key_123456',
      GROQ_BASE_URL: groq.url,
      LOG_LEVEL: 'info',
    };
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', TSX, CLI, 'mcp'],
      env,
      cwd,
      stderr: 'pipe',
    });
    (transport.stderr as Readable).on('data', (d) => (stderr += d));
    client = new Client({ name: 'Claude Desktop (test)', version: '1.0.0' });
    client.onerror = (err) => transportErrors.push(err);
    await client.connect(transport);
  });
  after(async () => {
    await client?.close();
    await groq?.close();
  });

  test('lists both tools with their input schemas, and the overview resource', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    assert.deepEqual(names, ['ask_twin', 'search_profile']);
    const ask = tools.find((t) => t.name === 'ask_twin');
    assert.deepEqual(ask?.inputSchema.required, ['question']);
    assert.ok(ask?.outputSchema, 'ask_twin declares its structured output');
    const { resources } = await client.listResources();
    assert.equal(resources[0]?.uri, 'twin://profile/overview');
    const overview = await client.readResource({ uri: 'twin://profile/overview' });
    const text = (overview.contents[0] as { text: string }).text;
    assert.match(text, /Talia Brennock/);
  });

  test('ask_twin answers with the sources as structured content, and takes history', async () => {
    const result = await client.callTool({ name: 'ask_twin', arguments: { question: 'Where did you study?' } });
    assert.equal(result.isError, undefined);
    const structured = result.structuredContent as { answer: string; sources: { title: string }[]; mode: string };
    assert.equal(structured.answer, ANSWER);
    assert.equal(structured.mode, 'llm');
    assert.ok(structured.sources.length > 0);
    assert.match(textOf(result), /Sources: /);

    await client.callTool({
      name: 'ask_twin',
      arguments: {
        question: 'What did you like most there?',
        history: [
          { role: 'user', text: 'Where did you study?' },
          { role: 'assistant', text: 'At the University of Aldermoor.' },
        ],
      },
    });
    assert.match(JSON.stringify(groq.requests.at(-1)?.body.messages), /At the University of Aldermoor\./);
  });

  test('search_profile shows what `twinbot search` shows, with why each passage was picked', async () => {
    const result = await client.callTool({ name: 'search_profile', arguments: { question: 'Where did you study?' } });
    const { results } = result.structuredContent as { results: { id: string; title: string; why: string[] }[] };
    assert.ok(results.length > 0);
    assert.equal(results[0]?.title, 'Education');
    assert.ok(results[0]!.why.length > 0);
    const cli = await runCli(['search', 'Where did you study?', '--json'], env, cwd);
    const fromCli = JSON.parse(cli.stdout) as { results: { id: string }[] };
    assert.deepEqual(
      results.map((r) => r.id),
      fromCli.results.map((r) => r.id),
    );
  });

  test('an invalid call is an error the client sees, not a crash', async () => {
    await expectInvalidCall(client.callTool({ name: 'ask_twin', arguments: {} }));
    await expectInvalidCall(client.callTool({ name: 'no_such_tool', arguments: {} }));
    const empty = await client.callTool({ name: 'ask_twin', arguments: { question: '  ' } });
    assert.equal(empty.isError, true);
    assert.match(textOf(empty), /Ask me something/);
  });

  test('stdout carried only the protocol; the calls are in the ledger under mcp:<client name>', async () => {
    await client.close();
    assert.deepEqual(transportErrors, [], 'every stdout line parsed as a protocol message');
    assert.match(stderr, /"event":"twin.usage"/, 'logs went to stderr');
    const json = await runCli(['usage', '--tenant', 'mcp:claude-desktop-test', '--json'], env, cwd);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { platform: string; command: string; outcome: string }[];
    assert.deepEqual(
      rows.map((r) => `${r.platform} ${r.command} ${r.outcome}`),
      ['mcp ask_twin answered', 'mcp ask_twin answered', 'mcp ask_twin refused'],
    );
  });
});

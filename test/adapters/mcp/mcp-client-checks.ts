/** Checks shared by the MCP tests: the text of a tool result, and what an invalid call looks like to a client. */
import assert from 'node:assert/strict';
import { McpError } from '@modelcontextprotocol/sdk/types.js';

export function textOf(result: object): string {
  return (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[])
    .map((c) => (c.type === 'text' ? (c.text ?? '') : ''))
    .join('\n');
}

/** An invalid call (missing argument, unknown tool) is a JSON-RPC error or an error result: either way, not a crash. */
export async function expectInvalidCall(call: Promise<object>): Promise<void> {
  try {
    const result = await call;
    assert.equal((result as { isError?: unknown }).isError, true, 'an invalid call must be an error');
    assert.match(textOf(result), /invalid|not found|required/i);
  } catch (err) {
    assert.ok(err instanceof McpError, String(err));
    assert.equal(err.code, -32602);
  }
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonErrorOffset, parseJson } from '../../src/profile/parse-json.js';

function messageOf(text: string): string {
  try {
    parseJson(text, 'x.json');
  } catch (err) {
    return (err as Error).message;
  }
  return 'parsed';
}

describe('parseJson', () => {
  it('parses valid JSON and ignores a byte-order mark', () => {
    assert.deepEqual(parseJson('\uFEFF{"a": [1, "two", null, true]}', 'x.json'), { a: [1, 'two', null, true] });
  });

  it('names line and column, with a hint for the usual slips', () => {
    assert.equal(
      messageOf('{\n  "a": 1,\n  "b": }'),
      "x.json is not valid JSON (line 3, column 8: Unexpected token '}')",
    );
    assert.match(messageOf('{\n  "a": 1,\n}'), /^x\.json is not valid JSON \(line 3, column 1: .*trailing comma/);
    assert.match(messageOf('{\n  // note\n  "a": 1\n}'), /line 2, column 3: .*JSON does not allow comments\)$/);
    assert.match(messageOf("{'a': 1}"), /line 1, column 2: .*double quotes\)$/);
    assert.match(messageOf('{"a": [1, 2'), /line 1, column 12: .*ends too early/);
    assert.equal(messageOf('  '), 'x.json is empty; a profile is a JSON object with at least personal.name');
  });

  it('finds the offset JSON.parse stops at', () => {
    for (const text of ['{"a" 1}', '{"a": 1,}', '[1, 2,]', '{"a": "\n"}', '{"a": tru}', '{"a": 1} x', '{"a": -}']) {
      assert.throws(() => JSON.parse(text));
      const offset = jsonErrorOffset(text);
      assert.ok(offset !== undefined && offset >= 0 && offset <= text.length, text);
    }
    assert.equal(jsonErrorOffset('{"a": {"b": [1, 2.5e3, "\\u00e9"]}}'), undefined);
    assert.equal(jsonErrorOffset('{"a": 1} x'), 9);
    assert.equal(jsonErrorOffset('{"a": tru}'), 6);
  });
});

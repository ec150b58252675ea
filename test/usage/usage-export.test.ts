import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UsageRecord } from '../../src/core/types.js';
import { collectRecords, csvField, toCsv, toJson, USAGE_CSV_COLUMNS } from '../../src/usage/usage-export.js';
import { STORE_ENGINES } from '../support/store-engines.js';
import { makeRecord, randomLedger, T0 } from './usage-fixtures.js';

/** A strict RFC 4180 reader, to check that what we write reads back the same. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        assert.ok(quote >= 0, 'unterminated quote');
        field += text.slice(i, quote);
        i = quote + 1;
        if (text[i] === '"') {
          field += '"';
          i++;
        } else break;
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
      assert.ok(!field.includes('"') && !field.includes('\n'), `bare field holds a quote or LF: ${field}`);
    }
    row.push(field);
    if (text[i] === ',') i++;
    else {
      assert.equal(text.slice(i, i + 2), '\r\n', 'records end with CRLF');
      i += 2;
      rows.push(row);
      row = [];
    }
  }
  return rows;
}

for (const engine of STORE_ENGINES) {
  describe(`usage export (${engine.name})`, { skip: engine.skip }, () => {
    it('quotes fields as RFC 4180 says', () => {
      assert.equal(csvField('plain'), 'plain');
      assert.equal(csvField('a,b'), '"a,b"');
      assert.equal(csvField('say "hi"'), '"say ""hi"""');
      assert.equal(csvField('two\nlines'), '"two\nlines"');
      assert.equal(csvField('cr\rhere'), '"cr\rhere"');
      assert.equal(csvField('=1+1'), '=1+1');
      assert.equal(csvField('=1+1', { guardFormulas: true }), "'=1+1");
      assert.equal(csvField('-2,3', { guardFormulas: true }), `"'-2,3"`);
    });

    it('writes a header and one line per record that reads back to the same values', () => {
      const records: UsageRecord[] = [
        makeRecord({ at: T0, userName: 'Ada, "the" admin\r\nsecond line', costUsd: 0.1 + 0.2 }),
        makeRecord({ at: T0 + 1, outcome: 'refused', errorCode: 'empty_question', costUsd: 1.23e-7 }),
      ];
      delete records[1]?.model;
      const rows = parseCsv(toCsv(records));
      assert.deepEqual(rows[0], [...USAGE_CSV_COLUMNS]);
      assert.equal(rows.length, 3);
      const first = Object.fromEntries(USAGE_CSV_COLUMNS.map((c, i) => [c, rows[1]?.[i]]));
      assert.equal(first['userName'], 'Ada, "the" admin\r\nsecond line');
      assert.equal(first['time'], '2026-11-01T00:00:00.000Z');
      assert.equal(Number(first['costUsd']), 0.1 + 0.2);
      const second = Object.fromEntries(USAGE_CSV_COLUMNS.map((c, i) => [c, rows[2]?.[i]]));
      assert.equal(second['model'], '');
      assert.equal(second['enterpriseId'], '');
      assert.equal(Number(second['costUsd']), 1.23e-7);
      assert.equal(toCsv([]), `${USAGE_CSV_COLUMNS.join(',')}\r\n`);
    });

    it('writes JSON that parses back to the records', () => {
      const records = randomLedger(5, T0, 1000);
      assert.deepEqual(JSON.parse(toJson(records)), records);
      assert.deepEqual(JSON.parse(toJson([])), []);
    });

    it('exports every record of a window, oldest first, across pages', async () => {
      const store = await engine.open();
      try {
        const ledger = randomLedger(1234, T0, 10_000, 3);
        for (const r of ledger) await store.record(r);
        const sorted = [...ledger].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
        assert.deepEqual(await collectRecords(store.exportRecords({ from: T0, to: T0 + 10_000 })), sorted);
        const tenant = sorted.filter((r) => r.tenantId === 'slack:T1' && r.at >= T0 + 2000 && r.at < T0 + 9000);
        const got = await collectRecords(store.exportRecords({ tenantId: 'slack:T1', from: T0 + 2000, to: T0 + 9000 }));
        assert.deepEqual(got, tenant);
        assert.deepEqual(JSON.parse(toJson(got)), tenant);
      } finally {
        await store.close();
      }
    });
  });
}

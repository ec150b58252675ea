/**
 * A second process for the dedupe race test: opens the ledger database, waits for the go file, then claims each
 * Slack event (its event id and its message key) through the real dedupe store and prints the indexes it won.
 */
import { existsSync } from 'node:fs';
import { KeyValueEventDedupeStore } from '../../src/adapters/slack/key-value-event-dedupe.js';
import { LibsqlUsageStore } from '../../src/usage/libsql-usage-store.js';

const [url, goFile, count] = process.argv.slice(2);
const store = await LibsqlUsageStore.open({ url: url! });
const dedupe = new KeyValueEventDedupeStore(store.keyValues);
process.stdout.write('ready\n');
while (!existsSync(goFile!)) await new Promise((r) => setTimeout(r, 2));
const won: number[] = [];
for (let i = 0; i < Number(count); i++) {
  if (!(await dedupe.seen(`event:Ev${i}`, `message:C1:${i}`))) won.push(i);
}
process.stdout.write(`${JSON.stringify(won)}\n`);
await store.close();

/**
 * `npm run bench [-- <bench> [args...]]`: runs the benchmarks and prints their markdown reports.
 * To add a bench, add an entry to BENCHES: a name and a function returning markdown.
 */
import { runGatewayBench } from './gateway-bench.js';
import { runLedgerBench } from './ledger-bench.js';
import { runStartupBench } from './startup-bench.js';

interface Bench {
  name: string;
  /** `args` are the command-line words after the bench's name (e.g. scenario keys). */
  run(args: string[]): Promise<string>;
}

const BENCHES: Bench[] = [
  { name: 'gateway', run: (args) => runGatewayBench(args) },
  { name: 'ledger', run: (args) => runLedgerBench(args) },
  {
    name: 'dashboard',
    run: async (args) => (await import('./dashboard-bench.js')).runDashboardBench(args),
  },
  { name: 'load', run: async (args) => (await import('./load-bench.js')).runLoadBench(args) },
  { name: 'memory', run: async (args) => (await import('./memory-bench.js')).runMemoryBench(args) },
  { name: 'startup', run: (args) => runStartupBench(args) },
  {
    name: 'slack-stream',
    run: async (args) => (await import('./slack-stream-bench.js')).runSlackStreamBench(args),
  },
];

async function main(argv: string[]): Promise<void> {
  const [only, ...args] = argv;
  const selected = only ? BENCHES.filter((b) => b.name === only) : BENCHES;
  if (selected.length === 0) {
    process.stderr.write(`Unknown bench "${only}". Known: ${BENCHES.map((b) => b.name).join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  for (const bench of selected) process.stdout.write(`${await bench.run(only ? args : [])}\n\n`);
}

await main(process.argv.slice(2));

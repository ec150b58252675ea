/**
 * `twinbot migrate`: brings the usage database to the latest schema now and says what it did. Start-up migrates
 * too; this is for deployments that migrate as a release step, before replicas start.
 */
import type { Config } from '../config.js';
import type { Logger } from '../core/ports.js';
import { abandonedAfterMs } from '../main.js';
import { describeDatabase } from '../usage/describe-database.js';
import { MIGRATIONS } from '../usage/migrations.js';
import { openUsageStore } from '../usage/open-usage-store.js';

export async function runMigrate(config: Config, logger: Logger, out: NodeJS.WritableStream): Promise<number> {
  const store = await openUsageStore({ url: config.databaseUrl, logger, abandonedAfterMs: abandonedAfterMs(config) });
  try {
    const versions = await store.schemaVersions();
    const latest = Math.max(0, ...versions);
    const where = describeDatabase(config.databaseUrl);
    const applied = store.appliedMigrations;
    if (applied.length === 0) {
      out.write(`${where}: schema version ${latest}, up to date (nothing to apply).\n`);
    } else {
      out.write(`${where}: applied ${applied.length} migration(s), now at schema version ${latest}:\n`);
      for (const v of applied) out.write(`  ${v}  ${MIGRATIONS.find((m) => m.version === v)?.name ?? ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** `twinbot usage`, `twinbot quota` and `twinbot forget`: the operator's view of the ledger, across every tenant. */
import type { Config } from '../config.js';
import { TwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { TenantQuotaGuard } from '../core/tenant-quota-guard.js';
import type { TenantQuota } from '../core/types.js';
import { parseWindow, renderUsageText, WINDOW_MS } from '../core/usage-report.js';
import { abandonedAfterMs } from '../main.js';
import { LibsqlUsageStore } from '../usage/libsql-usage-store.js';
import { isDollarField } from '../usage/quota-types.js';
import { collectRecords, toCsv, toJson } from '../usage/usage-export.js';
import type { ParsedArgs } from './index.js';

async function withStore<T>(config: Config, logger: Logger, work: (store: LibsqlUsageStore) => Promise<T>): Promise<T> {
  const store = await LibsqlUsageStore.open({
    url: config.databaseUrl,
    logger,
    abandonedAfterMs: abandonedAfterMs(config),
  });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function runUsage(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const window = parseWindow(typeof args.values.window === 'string' ? args.values.window : undefined);
  if (!window) throw new TwinError('config', '--window must be 24h, 7d or 30d');
  if (args.values.csv && args.values.json) throw new TwinError('config', 'choose one of --csv and --json');
  const tenantId = typeof args.values.tenant === 'string' ? args.values.tenant : undefined;
  const to = Date.now();
  const from = to - WINDOW_MS[window];
  return withStore(config, logger, async (store) => {
    if (args.values.csv || args.values.json) {
      const records = await collectRecords(store.exportRecords({ tenantId, from, to }));
      process.stdout.write(args.values.csv ? toCsv(records) : `${toJson(records)}\n`);
      return 0;
    }
    const bucketMs = window === '24h' ? 3_600_000 : 86_400_000;
    const summary = await store.summarize({ tenantId, from, to, bucketMs });
    process.stdout.write(`${renderUsageText(summary, window, tenantId ? `tenant ${tenantId}` : 'all tenants')}\n`);
    return 0;
  });
}

const QUOTA_FLAGS: Record<string, keyof TenantQuota> = {
  'requests-per-day': 'requestsPerDay',
  'tokens-per-day': 'tokensPerDay',
  'requests-per-month': 'requestsPerMonth',
  'tokens-per-month': 'tokensPerMonth',
  'usd-per-day': 'usdPerDay',
  'usd-per-month': 'usdPerMonth',
};

function quotaFromFlags(args: ParsedArgs): TenantQuota {
  const quota: TenantQuota = {};
  for (const [flag, field] of Object.entries(QUOTA_FLAGS)) {
    const raw = args.values[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    const whole = !isDollarField(field);
    if (!Number.isFinite(n) || n < 0 || (whole && !Number.isInteger(n))) {
      throw new TwinError(
        'config',
        `--${flag} must be ${whole ? 'a whole number' : 'a number'} of 0 or more, got "${raw}"`,
      );
    }
    quota[field] = n;
  }
  return quota;
}

export async function runQuota(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const [action, tenantId] = args.positionals;
  if (!action || !['show', 'set', 'clear'].includes(action) || !tenantId) {
    throw new TwinError('config', 'usage: twinbot quota show|set|clear <tenant> [--requests-per-day N] ...');
  }
  return withStore(config, logger, async (store) => {
    const guard = new TenantQuotaGuard(store, config.twin.quota, systemClock);
    if (action === 'set') {
      const quota = quotaFromFlags(args);
      if (Object.keys(quota).length === 0)
        throw new TwinError('config', 'quota set needs at least one limit, e.g. --requests-per-day 500');
      await guard.set(tenantId, quota, 'operator');
    } else if (action === 'clear') {
      // why: the operator's clear lifts the operator's own override; the tenant's admins' tightening is theirs.
      const had = await store.clearQuota(tenantId, 'operator');
      process.stdout.write(
        had ? `Removed the operator's quota override of ${tenantId}.\n` : `${tenantId} had no operator override.\n`,
      );
    }
    const limits = await guard.limitsFor(tenantId);
    const tightened = await store.getQuota(tenantId, 'tenant_admin');
    process.stdout.write(`${tenantId}: ${JSON.stringify(limits)}\n`);
    if (tightened) process.stdout.write(`tightened by the tenant's admins: ${JSON.stringify(tightened)}\n`);
    process.stdout.write(`${await guard.describe(tenantId)}\n`);
    return 0;
  });
}

export async function runForget(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const [tenantId] = args.positionals;
  if (!tenantId) throw new TwinError('config', 'usage: twinbot forget <tenant> --yes');
  if (args.values.yes !== true) {
    process.stdout.write(`This deletes every usage record of ${tenantId}. Run again with --yes to do it.\n`);
    return 1;
  }
  return withStore(config, logger, async (store) => {
    const removed = await store.forget(tenantId);
    process.stdout.write(`Removed ${removed} usage rows of ${tenantId}.\n`);
    return 0;
  });
}

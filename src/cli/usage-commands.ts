/** `twinbot usage`, `twinbot quota` and `twinbot forget`: the operator's view of the ledger, across every tenant. */
import type { Config } from '../config.js';
import type { Logger } from '../core/ports.js';
import { systemClock } from '../core/ports.js';
import { isDollarField, QUOTA_LABELS, QUOTA_LIMITS } from '../core/quota-limits.js';
import { TenantQuotaGuard } from '../core/tenant-quota-guard.js';
import type { TenantQuota } from '../core/types.js';
import { renderFeedbackText, renderUsageText } from '../core/usage-report.js';
import { parseWindow, USAGE_WINDOWS, usageWindow } from '../core/usage-windows.js';
import { abandonedAfterMs } from '../main.js';
import { openUsageStore } from '../usage/open-usage-store.js';
import type { SqlUsageStore } from '../usage/sql-usage-store.js';
import { collectRecords, feedbackToCsv, feedbackToJson, toCsv, toJson } from '../usage/usage-export.js';
import { ArgumentError, type ParsedArgs } from './parse-command-args.js';
import { checkTenantName } from './tenant-name.js';
import { writeUsageChart } from './usage-chart-file.js';

async function withStore<T>(config: Config, logger: Logger, work: (store: SqlUsageStore) => Promise<T>): Promise<T> {
  const store = await openUsageStore({
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

/** "24h, 7d or 30d" */
function windowChoices(): string {
  const names = USAGE_WINDOWS.map((w) => w.name);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export async function runUsage(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const { values } = args;
  const window = parseWindow(typeof values.window === 'string' ? values.window : undefined);
  if (!window) throw new ArgumentError(`--window must be ${windowChoices()}, got "${values.window}"`);
  if (values.csv && values.json) throw new ArgumentError('choose one of --csv and --json');
  const png = typeof values.png === 'string' ? values.png : undefined;
  if ((png || values.open) && (values.csv || values.json)) {
    throw new ArgumentError('--png and --open draw the chart; --csv and --json export records: choose one');
  }
  if (args.positionals.length > 0) throw new ArgumentError(`unexpected argument "${args.positionals[0]}"`);
  if (values.feedback && !values.csv && !values.json) {
    throw new ArgumentError('--feedback exports the votes: add --csv or --json (the report shows them anyway)');
  }
  const tenantId = typeof values.tenant === 'string' ? checkTenantName(values.tenant) : undefined;
  const to = Date.now();
  const { ms, bucketMs } = usageWindow(window);
  const from = to - ms;
  return withStore(config, logger, async (store) => {
    if (values.feedback) {
      const votes = await store.exportFeedback({ tenantId, from, to });
      process.stdout.write(values.csv ? feedbackToCsv(votes) : feedbackToJson(votes));
      return 0;
    }
    if (values.csv || values.json) {
      const records = await collectRecords(store.exportRecords({ tenantId, from, to }));
      process.stdout.write(values.csv ? toCsv(records) : `${toJson(records)}\n`);
      return 0;
    }
    const summary = await store.summarize({ tenantId, from, to, bucketMs });
    const scope = tenantId ? `tenant ${tenantId}` : 'all tenants';
    process.stdout.write(`${renderUsageText(summary, window, scope)}\n`);
    // why: the operator sees every tenant's reasons (or the one asked for); chat reports show only their own tenant's.
    const feedback = await store.summarizeFeedback({ tenantId, from, to, reasons: 5 });
    process.stdout.write(`${renderFeedbackText(feedback)}\n`);
    if (png || values.open) {
      const note = await writeUsageChart({ summary, window, scope, file: png, open: values.open === true });
      process.stdout.write(`${note}\n`);
    }
    return 0;
  });
}

function quotaFromFlags(args: ParsedArgs): TenantQuota {
  const quota: TenantQuota = {};
  for (const { flag, field } of QUOTA_LIMITS) {
    const raw = args.values[flag];
    if (typeof raw !== 'string') continue;
    const n = Number(raw);
    const whole = !isDollarField(field);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || (whole && !Number.isInteger(n))) {
      throw new ArgumentError(`--${flag} must be ${whole ? 'a whole number' : 'a number'} of 0 or more, got "${raw}"`);
    }
    quota[field] = n;
  }
  return quota;
}

/** `requests per day: 500, dollars per month: 5` in the order of the flags; "no limits" when empty. */
function describeLimits(quota: TenantQuota): string {
  const parts = QUOTA_LIMITS.filter(({ field }) => quota[field] !== undefined).map(({ field }) => {
    const value = quota[field] as number;
    return `${isDollarField(field) ? `$${value.toFixed(2)}` : value.toLocaleString('en-US')} ${QUOTA_LABELS[field].replace(/^dollars /, '')}`;
  });
  return parts.length > 0 ? parts.join(', ') : 'no limits';
}

export async function runQuota(config: Config, logger: Logger, action: string, args: ParsedArgs): Promise<number> {
  const [tenantArg, extra] = args.positionals;
  if (action === 'list') {
    if (tenantArg) throw new ArgumentError(`quota list takes no tenant, got "${tenantArg}"`);
    return withStore(config, logger, (store) => listQuotas(store, config));
  }
  if (!tenantArg) throw new ArgumentError(`quota ${action} needs a tenant, e.g. discord:123456789012345678`);
  if (extra) throw new ArgumentError(`unexpected argument "${extra}"`);
  const tenantId = checkTenantName(tenantArg);
  const quota = action === 'set' ? quotaFromFlags(args) : {};
  if (action === 'set' && Object.keys(quota).length === 0) {
    throw new ArgumentError('quota set needs at least one limit, e.g. --requests-per-day 500');
  }
  return withStore(config, logger, async (store) => {
    const guard = new TenantQuotaGuard(store, config.twin.quota, systemClock);
    if (action === 'set') {
      await guard.set(tenantId, quota, 'operator');
    } else if (action === 'clear') {
      // why: the operator's clear lifts the operator's own override; the tenant's admins' tightening is theirs.
      const had = await store.clearQuota(tenantId, 'operator');
      process.stdout.write(
        had ? `Removed the operator's quota override of ${tenantId}.\n` : `${tenantId} had no operator override.\n`,
      );
    }
    const override = await store.getQuota(tenantId);
    const limits = await guard.limitsFor(tenantId);
    const tightened = await store.getQuota(tenantId, 'tenant_admin');
    const origin = override ? "the operator's override over the defaults" : 'the defaults (TWIN_QUOTA_*)';
    process.stdout.write(`${tenantId}: ${describeLimits(limits)}, from ${origin}\n`);
    if (tightened) process.stdout.write(`Tightened by the tenant's admins: ${describeLimits(tightened)}\n`);
    const line = await guard.describe(tenantId);
    if (line) process.stdout.write(`${line}\n`);
    return 0;
  });
}

async function listQuotas(store: SqlUsageStore, config: Config): Promise<number> {
  const entries = await store.listQuotas();
  process.stdout.write(`Defaults for every tenant (TWIN_QUOTA_*): ${describeLimits(config.twin.quota)}\n`);
  if (entries.length === 0) {
    process.stdout.write(
      'No tenant has a quota override. Set one with twinbot quota set <tenant> --requests-per-day N\n',
    );
    return 0;
  }
  const width = Math.max(...entries.map((e) => e.tenantId.length));
  process.stdout.write(`${entries.length} override${entries.length === 1 ? '' : 's'}:\n`);
  for (const entry of entries) {
    const when = new Date(entry.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
    process.stdout.write(`  ${entry.tenantId.padEnd(width)}  ${describeLimits(entry.quota)} (set ${when} UTC)\n`);
  }
  return 0;
}

export async function runForget(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const [tenantArg] = args.positionals;
  if (!tenantArg) throw new ArgumentError('forget needs a tenant, e.g. discord:123456789012345678');
  const tenantId = checkTenantName(tenantArg);
  if (args.values.yes !== true) {
    process.stdout.write(
      `This deletes every usage record and every 👍/👎 (with its reasons) of ${tenantId}. Run again with --yes to do it.\n`,
    );
    return 1;
  }
  return withStore(config, logger, async (store) => {
    const removed = await store.forget(tenantId);
    process.stdout.write(`Removed ${removed} usage and feedback rows of ${tenantId}.\n`);
    return 0;
  });
}

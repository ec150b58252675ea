/**
 * `twinbot doctor`: checks every part of the set-up once and says, line by line, what works and what to fix.
 * Exit code 0 when nothing failed (parts not configured are not failures: they are what offline mode runs on).
 */
import { checkDiscordToken } from '../adapters/discord/check-discord-token.js';
import { checkSlackToken } from '../adapters/slack/check-slack-token.js';
import type { Config } from '../config.js';
import { asTwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import { checkGroq } from '../llm/check-groq.js';
import { modelWarnings } from '../llm/model-catalog.js';
import { loadConfiguredProfile, namespaceOf } from '../main.js';
import { rateProfile, ratingVerdict } from '../profile/rate-profile.js';
import { EmbeddedProfileRetriever } from '../retrieval/embedded-profile-retriever.js';
import { GuidedProfileRetriever } from '../retrieval/guided-profile-retriever.js';
import { checkIndexVersion } from '../retrieval/profile-sync.js';
import { describeDatabase } from '../usage/describe-database.js';
import { MIGRATIONS } from '../usage/migrations.js';
import { openUsageStore } from '../usage/open-usage-store.js';
import { checkRedis } from './check-redis.js';

type Status = 'ok' | 'warn' | 'fail' | 'off';
const MARK: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗', off: '–' };

export async function runDoctor(config: Config, logger: Logger, out: NodeJS.WritableStream): Promise<number> {
  let failed = 0;
  let warned = 0;
  const line = (status: Status, part: string, text: string) => {
    if (status === 'fail') failed++;
    if (status === 'warn') warned++;
    out.write(`${MARK[status]} ${part}: ${text}\n`);
  };
  const attempt = async (part: string, work: () => Promise<[Status, string]>) => {
    try {
      const [status, text] = await work();
      line(status, part, text);
    } catch (err) {
      line('fail', part, scrubSecrets(asTwinError(err).message));
    }
  };

  line('ok', 'Configuration', 'valid');
  let profile: Awaited<ReturnType<typeof loadConfiguredProfile>> | undefined;
  await attempt('Profile', async () => {
    profile = await loadConfiguredProfile(config, logger);
    // why: a profile that loads can still leave the twin with nothing to say; "All set" would be a false promise.
    const rating = await rateProfile(
      profile,
      new GuidedProfileRetriever(new EmbeddedProfileRetriever(profile.chunks), profile.chunks, profile.name),
    );
    const head = `${profile.name}, from ${config.twin.profilePath}: ${rating.summary}`;
    if (rating.level === 'good') return ['ok', `${head}. It ${ratingVerdict(rating)}.`];
    const adds = rating.toAdd.map((a) => `\n    - ${a}`).join('');
    return ['warn', `${head}.\n  It ${ratingVerdict(rating)}. Add, as in the workshop's template:${adds}`];
  });
  await attempt('Usage database', async () => {
    const store = await openUsageStore({ url: config.databaseUrl, logger });
    try {
      const to = Date.now();
      const s = await store.summarize({ from: to - 30 * 86_400_000, to, bucketMs: 86_400_000 });
      const versions = await store.schemaVersions();
      const missing = MIGRATIONS.filter((m) => !versions.includes(m.version)).map((m) => m.version);
      const schema =
        missing.length > 0
          ? `migrations ${missing.join(', ')} not applied: run twinbot migrate`
          : `schema version ${Math.max(...versions)}${store.appliedMigrations.length > 0 ? ` (migrations ${store.appliedMigrations.join(', ')} applied now)` : ''}`;
      return [
        missing.length > 0 ? 'fail' : 'ok',
        `${describeDatabase(config.databaseUrl)}, ${await store.engineVersion()}, ${schema}; ${s.requests} requests in the last 30 days`,
      ];
    } finally {
      await store.close();
    }
  });
  const redisUrl = config.replicas.redisUrl;
  if (!redisUrl) line('off', 'Redis', 'no REDIS_URL: each replica keeps its own budgets');
  else await attempt('Redis', async () => ['ok', await checkRedis(redisUrl)]);
  const { groq } = config;
  if (!groq.apiKey) {
    line('off', 'Groq', 'no GROQ_API_KEY: the twin answers with passages from the profile (offline mode)');
  } else {
    await attempt('Groq', async () => {
      const models = [groq.model, ...groq.fallbackModels];
      const result = await checkGroq({ apiKey: groq.apiKey!, baseURL: groq.baseURL, models, timeoutMs: 10_000 });
      const notes = [...modelWarnings(models), ...result.missing.map((m) => `Groq does not list ${m}`)];
      return result.served.length === 0
        ? ['fail', `key accepted, but none of ${models.join(', ')} is served. ${notes.join('; ')}`]
        : [
            notes.length > 0 ? 'warn' : 'ok',
            `key accepted; serving ${result.served.join(', ')}${notes.length ? `. ${notes.join('; ')}` : ''}`,
          ];
    });
  }
  const upstash = config.upstash;
  if (!upstash) {
    line('off', 'Upstash Vector', 'not configured: the embedded index is used');
  } else {
    await attempt('Upstash Vector', async () => {
      if (!profile) return ['fail', 'skipped: the profile did not load'];
      const namespace = namespaceOf(config, profile);
      const status = await checkIndexVersion(profile, { ...upstash, namespace });
      return status.status === 'up_to_date'
        ? ['ok', `namespace ${namespace} holds this profile version`]
        : ['warn', `namespace ${namespace} is ${status.status.replace(/_/g, ' ')}: run twinbot ingest`];
    });
  }
  const discord = config.discord;
  if (!discord) line('off', 'Discord', 'not configured');
  else await attempt('Discord', async () => ['ok', `token accepted: ${await checkDiscordToken(discord)}`]);
  const slack = config.slack;
  if (!slack?.botToken)
    line('off', 'Slack', slack?.oauth ? 'OAuth install flow: tokens come per workspace' : 'not configured');
  else {
    const botToken = slack.botToken;
    await attempt('Slack', async () => [
      'ok',
      `token accepted: ${await checkSlackToken({ botToken, apiUrl: slack.apiUrl })}`,
    ]);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out.write(
    failed > 0
      ? `\n${plural(failed, 'problem')} to fix.\n`
      : warned > 0
        ? `\nReady to run, with ${plural(warned, 'warning')} above (!) worth a look.\n`
        : '\nAll set.\n',
  );
  return failed === 0 ? 0 : 1;
}

/** `twinbot search`, `twinbot ingest` and `twinbot register-commands`: the commands for setting a twin up. */
import { resolve } from 'node:path';
import { registerCommands } from '../adapters/discord/discord-commands.js';
import type { Config } from '../config.js';
import { TwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { loadConfiguredProfile, namespaceOf } from '../main.js';
import { EmbeddedProfileRetriever } from '../retrieval/embedded-profile-retriever.js';
import { GuidedProfileRetriever } from '../retrieval/guided-profile-retriever.js';
import { UpstashProfileRetriever } from '../retrieval/upstash-profile-retriever.js';
import { runIngest } from './ingest-command.js';
import { ArgumentError, type ParsedArgs } from './parse-command-args.js';
import { runSearch } from './search-command.js';

export async function runSearchCli(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  const question = args.positionals.join(' ').trim();
  if (!question) throw new ArgumentError('give a question to search for, e.g. twinbot search "where did you study?"');
  const topK = args.values.top === undefined ? 5 : Number(args.values.top);
  if (!Number.isInteger(topK) || topK < 1 || topK > 50)
    throw new ArgumentError(`--top must be a whole number from 1 to 50, got "${args.values.top}"`);
  const profile = await loadConfiguredProfile(config, logger);
  // why: search the configured retriever itself, not the fallback, so its own matches and misses show.
  const base = config.upstash
    ? new UpstashProfileRetriever({
        ...config.upstash,
        namespace: namespaceOf(config, profile),
        allowedChunks: profile.chunks,
      })
    : new EmbeddedProfileRetriever(profile.chunks);
  const retriever = new GuidedProfileRetriever(base, profile.chunks, profile.name);
  await runSearch({ retriever, question, topK, json: args.values.json === true, out: process.stdout });
  return 0;
}

export async function runIngestCli(config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  if (!config.upstash) {
    throw new TwinError(
      'config',
      'it needs UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN; without them the twin uses its embedded index and needs no ingest.',
    );
  }
  const profilePath = typeof args.values.profile === 'string' ? resolve(args.values.profile) : config.twin.profilePath;
  const profile = await loadConfiguredProfile({ ...config, twin: { ...config.twin, profilePath } }, logger);
  await runIngest({
    profile,
    ...config.upstash,
    namespace: namespaceOf(config, profile),
    dryRun: args.values['dry-run'] === true,
    reset: args.values.reset === true,
    out: process.stdout,
    isTTY: process.stdout.isTTY === true,
  });
  return 0;
}

export async function runRegisterCommands(config: Config, args: ParsedArgs): Promise<number> {
  if (!config.discord) {
    throw new TwinError('config', 'it needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.');
  }
  const guildId = typeof args.values.guild === 'string' ? args.values.guild : undefined;
  const { names } = await registerCommands({ ...config.discord, guildId });
  const list = names.map((n) => `/${n}`).join(' and ');
  process.stdout.write(
    guildId
      ? `Registered ${list} in guild ${guildId}; they work there right away.\n`
      : `Registered ${list} globally; Discord can take up to an hour to show them everywhere.\n`,
  );
  return 0;
}

/**
 * The `twinbot` command. Each subcommand wires what it needs from main.ts and prints for people (stdout) while
 * logs go to stderr.
 */
import { pathToFileURL } from 'node:url';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, loadConfig, loadDotEnv } from '../config.js';
import { asTwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { configSecrets, createLogger } from '../logging.js';
import { describeStartupError } from '../main.js';
import { runAsk } from './ask-command.js';
import { runDoctor } from './doctor-command.js';
import { runIngestCli, runRegisterCommands, runSearchCli } from './profile-commands.js';
import { runStart } from './start-command.js';
import { runForget, runQuota, runUsage } from './usage-commands.js';

const HELP = `twinbot — a person's digital twin on Discord and Slack

Usage: twinbot <command> [options]

Commands:
  start                         start every platform with credentials; with none, the console chat
  ask "question"                answer one question and exit
  search "question" [--top K] [--json]
                                show what the twin would retrieve, with scores
  ingest [--profile FILE] [--dry-run] [--reset]
                                sync the profile into Upstash Vector (only what changed)
  usage [--tenant T] [--window 24h|7d|30d] [--csv|--json]
                                the usage ledger: all tenants by default
  quota show|set|clear <tenant> [--requests-per-day N] [--tokens-per-day N]
        [--usd-per-day X] [--requests-per-month N] [--tokens-per-month N] [--usd-per-month X]
                                per-tenant quotas
  forget <tenant> [--yes]       delete a tenant's usage records
  register-commands [--guild ID]
                                register the Discord slash commands (a guild: instant; global: up to an hour)
  doctor                        check the configuration, profile, database, Groq, Upstash, Discord and Slack
  help                          this text

Configuration comes from the environment and .env (see .env.example and README.md).
`;

export async function cli(argv: string[]): Promise<number> {
  const [command = 'start', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${describeStartupError(err)}\n`);
    return 2;
  }
  // why: an interactive chat shares the terminal with stderr; info lines would land in the middle of answers.
  const interactiveChat = command === 'start' && !config.discord && !config.slack && process.stdin.isTTY === true;
  const logger = createLogger(config.logLevel ?? (interactiveChat ? 'warn' : 'info'), undefined, configSecrets(config));
  try {
    switch (command) {
      case 'start':
        return await runStart(config, logger, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
      case 'ask':
        return await runAsk(config, logger, rest.join(' '));
      case 'search':
        return await runSearchCli(config, logger, parse(rest, { top: { type: 'string' }, json: { type: 'boolean' } }));
      case 'ingest':
        return await runIngestCli(
          config,
          logger,
          parse(rest, { profile: { type: 'string' }, 'dry-run': { type: 'boolean' }, reset: { type: 'boolean' } }),
        );
      case 'usage':
        return await runUsage(
          config,
          logger,
          parse(rest, {
            tenant: { type: 'string' },
            window: { type: 'string' },
            csv: { type: 'boolean' },
            json: { type: 'boolean' },
          }),
        );
      case 'quota':
        return await runQuota(
          config,
          logger,
          parse(rest, {
            'requests-per-day': { type: 'string' },
            'tokens-per-day': { type: 'string' },
            'requests-per-month': { type: 'string' },
            'tokens-per-month': { type: 'string' },
            'usd-per-day': { type: 'string' },
            'usd-per-month': { type: 'string' },
          }),
        );
      case 'forget':
        return await runForget(config, logger, parse(rest, { yes: { type: 'boolean' } }));
      case 'doctor':
        return await runDoctor(config, logger, process.stdout);
      case 'register-commands':
        return await runRegisterCommands(config, parse(rest, { guild: { type: 'string' } }));
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${HELP}`);
        return 2;
    }
  } catch (err) {
    return reportFailure(err, logger);
  }
}

export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

function parse(args: string[], options: ParseArgsConfig['options']): ParsedArgs {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
  return { values: values as ParsedArgs['values'], positionals };
}

function reportFailure(err: unknown, logger: Logger): number {
  const e = asTwinError(err);
  if (e.code === 'internal') logger.error({ err }, 'unexpected failure');
  const message =
    err instanceof TypeError && /parseArgs|Unknown option/i.test(String(err)) ? String(err.message) : null;
  process.stderr.write(`${message ?? describeStartupError(e)}\n`);
  return e.code === 'config' || e.code === 'profile' || message ? 2 : 1;
}

/** Runs the command line and exits with its code. */
export function runCli(argv: string[]): void {
  cli(argv).then(
    (code) => {
      process.exitCode = code;
      // why: discord.js and Slack sockets may keep the loop alive after a clean stop; the work is done.
      setTimeout(() => process.exit(code), 200).unref();
    },
    (err) => {
      process.stderr.write(`twinbot failed: ${asTwinError(err).message}\n`);
      process.exit(1);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) runCli(process.argv.slice(2));

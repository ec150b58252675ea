/**
 * The `twinbot` command. Each subcommand wires what it needs from main.ts and prints for people (stdout) while
 * logs go to stderr: readable lines at warn level when stderr is a terminal, JSON for a supervisor otherwise.
 */
import { pathToFileURL } from 'node:url';
import { type Config, loadConfig, loadDotEnv } from '../config.js';
import { asTwinError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import { scrubSecrets } from '../core/scrub-secrets.js';
import { configSecrets, createLogger } from '../logging.js';
import { suggestKey } from '../profile/suggest-key.js';
import { type CommandSpec, commandsNamed, findCommand, helpText, suggestCommand, usageOf } from './commands.js';
import { humanLogStream } from './human-log-stream.js';
import { ArgumentError, type ParsedArgs, parseCommandArgs } from './parse-command-args.js';

export type { ParsedArgs } from './parse-command-args.js';

export async function cli(argv: string[]): Promise<number> {
  const words = argv.length === 0 ? ['start'] : argv;
  const first = words[0] as string;
  if (first === 'help' || first === '--help' || first === '-h') return help(words[1]);
  const found = findCommand(words);
  if (!found) return unknownCommand(words);
  const { spec, used } = found;
  let args: ParsedArgs;
  try {
    args = parseCommandArgs(spec, words.slice(used));
  } catch (err) {
    return reportFailure(err, spec, undefined);
  }
  if (spec.name === 'profile init') {
    return run(spec, undefined, async () =>
      (await import('./profile-init-command.js')).runProfileInit(args, process.stdout),
    );
  }

  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    return reportFailure(err, spec, undefined);
  }
  const logger = commandLogger(spec.name, config);
  return run(spec, logger, () => dispatch(spec.name, config, logger, args));
}

/**
 * Runs one command. why the dynamic imports: each command loads only what it uses, so `twinbot help` and a typo
 * answer at once, and `start` does not load the CLI's reports and checks (issue 20.5).
 */
async function dispatch(name: string, config: Config, logger: Logger, args: ParsedArgs): Promise<number> {
  switch (name) {
    case 'start':
      return (await import('./start-command.js')).runStart(config, logger, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    case 'ask':
      if (args.positionals.join('').trim() === '') {
        throw new ArgumentError('give a question, e.g. twinbot ask "where did you study?"');
      }
      return (await import('./ask-command.js')).runAsk(config, logger, args.positionals.join(' '));
    case 'search':
      return (await import('./profile-commands.js')).runSearchCli(config, logger, args);
    case 'mcp':
      return (await import('./mcp-command.js')).runMcp(config, logger);
    case 'ingest':
      return (await import('./profile-commands.js')).runIngestCli(config, logger, args);
    case 'usage':
      return (await import('./usage-commands.js')).runUsage(config, logger, args);
    case 'quota list':
    case 'quota show':
    case 'quota set':
    case 'quota clear':
      return (await import('./usage-commands.js')).runQuota(config, logger, name.slice('quota '.length), args);
    case 'experiment report':
      return (await import('./experiment-command.js')).runExperimentReport(config, logger, args);
    case 'forget':
      return (await import('./usage-commands.js')).runForget(config, logger, args);
    case 'doctor':
      return (await import('./doctor-command.js')).runDoctor(config, logger, process.stdout);
    case 'migrate':
      return (await import('./migrate-command.js')).runMigrate(config, logger, process.stdout);
    case 'register-commands':
      return (await import('./profile-commands.js')).runRegisterCommands(config, args);
    default:
      throw new Error(`no handler for ${name}`);
  }
}

/**
 * The process logger for a command. why: people read what `ask`, `doctor`, `usage` and a chat in a terminal
 * print, so those log at warn unless LOG_LEVEL says otherwise; only `start` without a terminal (a supervisor, a
 * container) logs every answer at info, as JSON a log collector reads.
 */
function commandLogger(command: string, config: Config): Logger {
  const terminal = process.stderr.isTTY === true;
  const level = config.logLevel ?? (command === 'start' && !terminal ? 'info' : 'warn');
  const secrets = configSecrets(config);
  if (!terminal) return createLogger(level, undefined, secrets);
  const stacks = level === 'debug' || level === 'trace';
  // why: hasColors() honours NO_COLOR and FORCE_COLOR, and config.ts stays the only reader of the environment.
  const colour = (process.stderr as { hasColors?: () => boolean }).hasColors?.() ?? false;
  return createLogger(level, humanLogStream(process.stderr, { colour, stacks }), secrets);
}

async function run(spec: CommandSpec, logger: Logger | undefined, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (err) {
    return reportFailure(err, spec, logger);
  }
}

function help(topic: string | undefined): number {
  if (topic === undefined) {
    process.stdout.write(helpText());
    return 0;
  }
  const specs = commandsNamed(topic);
  if (specs.length === 0) return unknownCommand([topic]);
  const summaries = specs.map((s) => `  ${s.name}: ${s.summary}`).join('\n');
  process.stdout.write(`${usageOf(topic)}\n\n${summaries}\n`);
  return 0;
}

function unknownCommand(words: string[]): number {
  const [first = '', second] = words;
  const family = commandsNamed(first);
  if (family.length > 0) {
    // `quota` alone, or `quota lst`: the word after it is the mistake.
    const subs = family.map((s) => s.name.split(' ')[1]).filter((s): s is string => Boolean(s));
    const guess = second ? suggestKey(second, subs) : undefined;
    const what = second
      ? `unknown subcommand "${second}"${guess ? `; did you mean ${guess}?` : ''}`
      : `needs a subcommand: ${subs.join(', ')}`;
    process.stderr.write(`twinbot ${first}: ${what}\n${usageOf(first)}\n`);
    return 2;
  }
  const guess = suggestCommand(first);
  process.stderr.write(
    `twinbot: unknown command "${first}"${guess ? `; did you mean ${guess}?` : ''}\nRun twinbot help for the list of commands.\n`,
  );
  return 2;
}

/**
 * One line naming the command that failed. An argument mistake adds the command's usage (exit 2), a bad setting
 * exits 2, a fault 1; the stack of an unexpected fault goes to the log (a terminal shows it at LOG_LEVEL=debug).
 */
async function reportFailure(err: unknown, spec: CommandSpec, logger: Logger | undefined): Promise<number> {
  if (err instanceof ArgumentError) {
    process.stderr.write(`twinbot ${spec.name}: ${err.message}\n${usageOf(spec)}\n`);
    return 2;
  }
  const e = asTwinError(err);
  if (e.code === 'internal') {
    if (spec.name === 'start') logger?.error({ err }, 'unexpected failure');
    else logger?.debug({ err }, 'unexpected failure');
  }
  const text = spec.name === 'start' ? (await import('../main.js')).describeStartupError(e) : describeFailure(e);
  process.stderr.write(`${spec.name === 'start' ? '' : `twinbot ${spec.name}: `}${text}\n`);
  return e.code === 'config' || e.code === 'profile' ? 2 : 1;
}

function describeFailure(e: ReturnType<typeof asTwinError>): string {
  if (e.code === 'storage') return scrubSecrets(`the usage database could not be opened: ${e.message}`);
  // why: the configuration's message is written for start-up; another command names itself in front instead.
  return scrubSecrets(e.message.replace(/^twinbot cannot start: /, ''));
}

/** Runs the command line and exits with its code. */
export function runCli(argv: string[]): void {
  // why: `twinbot search ... | head` closes the pipe early; a reader that has seen enough is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
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

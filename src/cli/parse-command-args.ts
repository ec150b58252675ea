/**
 * Reads a command's options and arguments against the command table, turning every mistake into an ArgumentError:
 * one line the person can act on ("unknown option --bogus; did you mean --json?"), shown above the command's usage.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { suggestKey } from '../profile/suggest-key.js';
import type { CommandSpec } from './commands.js';

/** A mistake in how a command was called: printed as one line plus the command's usage, exit code 2. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

export function parseCommandArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const options = spec.options ?? {};
  const known = Object.keys(options);
  // why: parseArgs reads `--requests-per-day -5` as a missing value followed by an option `-5`; a negative number
  // is a value here, and the command then says why it is not allowed.
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  for (const arg of joined) {
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;
    const name = arg.replace(/^--?/, '').split('=')[0] as string;
    if (!known.includes(name)) throw new ArgumentError(unknownOption(arg.split('=')[0] as string, name, known));
  }
  try {
    const parsed = parseArgs({
      args: joined,
      options: options as ParseArgsConfig['options'],
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const option = /'(--?[\w-]+)/.exec(String((err as Error).message))?.[1];
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      const spec = options[option.replace(/^--?/, '')];
      throw new ArgumentError(
        spec?.type === 'boolean' ? `${option} takes no value` : `${option} needs a value (${spec?.value ?? 'VALUE'})`,
      );
    }
    throw new ArgumentError((err as Error).message);
  }
}

function unknownOption(written: string, name: string, known: readonly string[]): string {
  const guess = suggestKey(name, known);
  if (guess) return `unknown option ${written}; did you mean --${guess}?`;
  if (known.length === 0) return `unknown option ${written}; this command takes no options`;
  return `unknown option ${written}; the options are ${known.map((k) => `--${k}`).join(', ')}`;
}

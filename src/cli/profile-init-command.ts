/**
 * `twinbot profile init [FILE]`: a starter digitaltwin.json in the workshop's format, every section present with a
 * line saying what to write there. It loads and answers as it is, so the first `npm start` works before any editing.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TwinError } from '../core/errors.js';
import { loadProfile } from '../profile/load-profile.js';
import { starterProfile } from '../profile/starter-profile.js';
import { ArgumentError, type ParsedArgs } from './parse-command-args.js';

export async function runProfileInit(args: ParsedArgs, out: NodeJS.WritableStream): Promise<number> {
  const [file = 'digitaltwin.json', extra] = args.positionals;
  if (extra) throw new ArgumentError(`unexpected argument "${extra}"`);
  const name = typeof args.values.name === 'string' && args.values.name.trim() ? args.values.name.trim() : 'Your Name';
  const path = resolve(file);
  try {
    await writeFile(path, `${JSON.stringify(starterProfile(name), null, 2)}\n`, {
      flag: args.values.force === true ? 'w' : 'wx',
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new TwinError('config', `${path} already exists; add --force to overwrite it`);
    throw new TwinError('config', `could not write ${path}: ${code ?? String(err)}`, { cause: err });
  }
  // why: the starter must load with the same reader the bot uses; a starter that fails would be the worst first hour.
  const { profile } = await loadProfile(path);
  out.write(
    `Wrote ${path}: a starter profile for ${profile.name} (${profile.chunks.length} passages the twin can answer from).\n` +
      'Replace each value with your own (the sections are those of the workshop template), then:\n' +
      `  TWIN_PROFILE=${file} npm start          # chat with your twin\n` +
      `  TWIN_PROFILE=${file} npx twinbot doctor # see how much it gives the twin to say\n`,
  );
  return 0;
}

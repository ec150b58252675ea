/**
 * The `data.options` of a slash command interaction, typed the way Discord types them: by the registered command's
 * definition when the bot registered one (so a wrong definition shows up in tests as discord.js refusing the
 * option's type), else by the JavaScript value. A subcommand wraps its options, as Discord sends it.
 */

export type SlashValue = string | number | boolean;

/** One entry of `data.options` as Discord sends it. */
export interface SlashOptionJson {
  name: string;
  type: number;
  value?: SlashValue;
  options?: SlashOptionJson[];
}

/** Discord's ApplicationCommandOptionType values used here. */
export const OPTION_TYPE = { subcommand: 1, string: 3, integer: 4, boolean: 5, number: 10 } as const;

interface DefinedOption {
  name: string;
  type: number;
  options?: DefinedOption[];
}

function inferredType(value: SlashValue): number {
  if (typeof value === 'boolean') return OPTION_TYPE.boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OPTION_TYPE.integer : OPTION_TYPE.number;
  return OPTION_TYPE.string;
}

/**
 * Builds `data.options` for `values` (given under `subcommand` when there is one). `definition` is the registered
 * command JSON, if any; an option it does not declare is an error, as Discord would never send it.
 */
export function slashOptionsJson(
  values: Record<string, SlashValue>,
  subcommand: string | undefined,
  definition: Record<string, unknown> | undefined,
): SlashOptionJson[] {
  let declared = definition?.options as DefinedOption[] | undefined;
  if (subcommand && declared) {
    const sub = declared.find((o) => o.name === subcommand && o.type === OPTION_TYPE.subcommand);
    if (!sub) throw new Error(`the registered command has no subcommand ${subcommand}`);
    declared = sub.options ?? [];
  } else if (declared?.some((o) => o.type === OPTION_TYPE.subcommand)) {
    throw new Error(`the registered command ${String(definition?.name)} needs a subcommand`);
  }
  const options = Object.entries(values).map(([name, value]) => {
    if (!declared) return { name, type: inferredType(value), value };
    const option = declared.find((o) => o.name === name);
    if (!option) throw new Error(`the registered command has no option ${name}`);
    return { name, type: option.type, value };
  });
  return subcommand ? [{ name: subcommand, type: OPTION_TYPE.subcommand, options }] : options;
}

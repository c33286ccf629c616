// Command-line options for every likes-api command and the bench, tokenised by node:util parseArgs. Its strict mode
// is not used: the checks are made here on its tokens, so that each command keeps the messages it has always printed
// and values may not look like options (`--name --json` is a missing value, not a name).
import { parseArgs } from 'node:util';

/** string: one value; strings: repeatable, every value kept in order; boolean: a flag without a value. */
export type OptionKind = 'string' | 'strings' | 'boolean';

export type OptionValue = string | string[] | true;

/** What is wrong with a command line; `option` is `--name` (or the short argument as given, e.g. `-x`). */
export type ArgProblem =
  | { kind: 'unknown'; option: string; arg: string }
  | { kind: 'needs-value'; option: string }
  | { kind: 'takes-no-value'; option: string }
  | { kind: 'repeated'; option: string };

export class ArgsError extends Error {
  override name = 'ArgsError';
  constructor(readonly problem: ArgProblem) {
    super(describe(problem));
  }
}

/** The wording of the admin commands (the default message of ArgsError). */
function describe(p: ArgProblem): string {
  switch (p.kind) {
    case 'unknown':
      return `unknown option ${p.option}`;
    case 'needs-value':
      return `${p.option} needs a value`;
    case 'takes-no-value':
      return `${p.option} takes no value`;
    case 'repeated':
      return `${p.option} given more than once`;
  }
}

export interface ReadArgs {
  values: Map<string, OptionValue>;
  positionals: string[];
}

/**
 * Reads `args` against `kinds`. Unknown options, missing values (a value may not start with `--` unless given as
 * `--name=--value`) and values given to flags throw ArgsError; so does a repeated option (other than `strings`)
 * unless `lastWins` is set. Everything after `--` is positional.
 */
export function readArgs(
  args: readonly string[],
  kinds: Readonly<Record<string, OptionKind>>,
  opts: { lastWins?: boolean } = {},
): ReadArgs {
  const options = Object.fromEntries(
    Object.entries(kinds).map(([name, kind]) => [name, kind === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: kind === 'strings' }]),
  );
  const { tokens } = parseArgs({ args: [...args], options, strict: false, allowPositionals: true, tokens: true });
  const values = new Map<string, OptionValue>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const raw = args[token.index];
    // A long option is named as written before any `=`; a short one (or a group of them) as the argument was given.
    const option = raw.startsWith('--') ? raw.split('=')[0] : raw;
    const kind = Object.hasOwn(kinds, token.name) ? kinds[token.name] : undefined;
    if (!kind || !raw.startsWith('--')) throw new ArgsError({ kind: 'unknown', option, arg: raw });
    if (kind !== 'strings' && values.has(token.name) && !opts.lastWins) throw new ArgsError({ kind: 'repeated', option });
    if (kind === 'boolean') {
      if (token.inlineValue) throw new ArgsError({ kind: 'takes-no-value', option });
      values.set(token.name, true);
      continue;
    }
    const value = token.value;
    if (value === undefined || (!token.inlineValue && value.startsWith('--'))) throw new ArgsError({ kind: 'needs-value', option });
    if (kind === 'strings') {
      const list = (values.get(token.name) as string[] | undefined) ?? [];
      values.set(token.name, [...list, value]);
    } else {
      values.set(token.name, value);
    }
  }
  return { values, positionals };
}

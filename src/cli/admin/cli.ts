// The frame every admin command shares: `likes-api <group> <subcommand> [options]`, strict options (args.ts),
// `--help` and `--json`, one-line errors (exit 1 when the operation fails, exit 2 when the command line is
// wrong), and services opened from the same environment as `serve` and always closed before returning.
import { ConfigError, loadConfig } from '../../config.ts';
import { ID_PATTERN } from '../../domain/ids.ts';
import { openServices, type Services } from '../../services.ts';
import { ArgsError, readArgs, type OptionKind, type OptionValue } from '../args.ts';
import type { Command } from '../command.ts';

/** The command line is wrong: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The operation failed (unknown id, conflict…): exit code 1. */
export class AdminError extends Error {
  override name = 'AdminError';
}

export type FlagKind = OptionKind;

/** The options given on the command line, with typed, validating accessors (they throw UsageError). */
export class Flags {
  constructor(private readonly values: ReadonlyMap<string, OptionValue>) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** Whether any of the named options was given. */
  any(names: readonly string[]): boolean {
    return names.some((n) => this.values.has(n));
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  /** Every value of a repeatable (`strings`) option, in order; undefined when absent. */
  list(name: string): string[] | undefined {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : undefined;
  }

  required(name: string): string {
    const v = this.str(name);
    if (v === undefined) throw new UsageError(`missing --${name}`);
    return v;
  }

  /** A non-empty text of at most `max` characters. */
  text(name: string, max: number): string | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (v.trim() === '') throw new UsageError(`--${name} must not be empty`);
    if ([...v].length > max) throw new UsageError(`--${name} must be at most ${max} characters`);
    return v;
  }

  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(v)) {
      throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${v}")`);
    }
    return v as T;
  }

  onOff(name: string): boolean | undefined {
    const v = this.choice(name, ['on', 'off']);
    return v === undefined ? undefined : v === 'on';
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    if (!/^\d{1,16}$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${v}")`);
    }
    return Number(v);
  }

  id(name: string): string | undefined {
    const v = this.str(name);
    return v === undefined ? undefined : checkId(v, `--${name}`);
  }
}

export function checkId(value: string, what: string): string {
  if (!ID_PATTERN.test(value)) throw new UsageError(`${what} must be an id of 1 to 19 digits (got "${value}")`);
  return value;
}

/** Parses `args` strictly: unknown options, repeated options and missing values are usage errors. */
export function parseArgs(args: readonly string[], kinds: Readonly<Record<string, FlagKind>>): { flags: Flags; positionals: string[] } {
  try {
    const { values, positionals } = readArgs(args, kinds);
    return { flags: new Flags(values), positionals };
  } catch (error) {
    throw error instanceof ArgsError ? new UsageError(error.message) : error;
  }
}

/** What a subcommand printed: `json` for --json, `human` otherwise. */
export interface Output {
  json: unknown;
  human: string;
  /** Where it goes (default stdout); stderr when stdout carries the command's data (an export). */
  stream?: 'stdout' | 'stderr';
}

export interface Context {
  flags: Flags;
  /** The positional arguments, as named in the subcommand's `args`. */
  args: Record<string, string>;
  /** Opens the services on first use; the frame closes them. Validate the command line before calling it. */
  services(): Promise<Services>;
}

export interface Subcommand {
  /** What follows `likes-api <group> <name>` in the usage line. */
  synopsis: string;
  summary: string;
  /** The body of --help: what it does and its options. */
  help: string;
  flags: Readonly<Record<string, FlagKind>>;
  /** Required positional arguments, in order (e.g. ['ID']). */
  args?: readonly string[];
  run(ctx: Context): Promise<Output>;
}

const COMMON_HELP = `Common options:
  --json             Print machine-readable JSON instead of text
  -h, --help         Print this help

Settings come from the environment, as for \`likes-api serve\`: LIKES_API_DATA_DIR (SQLite, default ./.likes-api),
LIKES_API_DATABASE_URL (PostgreSQL), LIKES_API_REDIS_URL, LIKES_API_SECRET_KEY. With SQLite the command may run
while a server is serving the same data directory.`;

/** One line, whatever the error carried. */
const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ').trim();

/** A command with subcommands, e.g. `likes-api project create|list|show|set`. */
export function commandGroup(group: string, summary: string, subcommands: Record<string, Subcommand>): Command {
  const names = Object.keys(subcommands);
  const width = Math.max(...names.map((n) => n.length)) + 3;
  const groupHelp = `Usage: likes-api ${group} <${names.join('|')}> [options]

${summary}

Subcommands:
${names.map((n) => `  ${n.padEnd(width)}${subcommands[n].summary}`).join('\n')}

Run \`likes-api ${group} <subcommand> --help\` for its options.`;

  return {
    summary,
    async run(argv) {
      const [name, ...rest] = argv;
      if (name === '--help' || name === '-h' || name === 'help') {
        console.log(groupHelp);
        return 0;
      }
      if (!name || !Object.hasOwn(subcommands, name)) {
        const what = name ? `unknown subcommand "${name}"` : 'missing subcommand';
        console.error(`likes-api ${group}: ${what} (one of ${names.join(', ')}; see \`likes-api ${group} --help\`)`);
        return 2;
      }
      const sub = subcommands[name];
      const label = `likes-api ${group} ${name}`;
      if (rest.includes('--help') || rest.includes('-h')) {
        console.log(`Usage: ${label} ${sub.synopsis}\n\n${sub.help}\n\n${COMMON_HELP}`);
        return 0;
      }
      let services: Services | null = null;
      try {
        const { flags, positionals } = parseArgs(rest, { ...sub.flags, json: 'boolean' });
        const wanted = sub.args ?? [];
        if (positionals.length < wanted.length) throw new UsageError(`missing ${wanted.slice(positionals.length).join(' ')}`);
        if (positionals.length > wanted.length) throw new UsageError(`unexpected argument "${positionals[wanted.length]}"`);
        const args = Object.fromEntries(wanted.map((w, i) => [w, positionals[i]]));
        const ctx: Context = {
          flags,
          args,
          async services() {
            services ??= await openServices(loadConfig());
            return services;
          },
        };
        const out = await sub.run(ctx);
        (out.stream === 'stderr' ? console.error : console.log)(flags.bool('json') ? JSON.stringify(out.json, null, 2) : out.human);
        return 0;
      } catch (error) {
        if (error instanceof UsageError) {
          console.error(`${label}: ${oneLine(error.message)} (see \`${label} --help\`)`);
          return 2;
        }
        if (error instanceof ConfigError) {
          console.error(`${label}: ${oneLine(error.message)}`);
          return 2;
        }
        console.error(`${label}: ${oneLine((error as Error)?.message ?? String(error))}`);
        return 1;
      } finally {
        // `services` is assigned inside the closure above; TypeScript cannot see that.
        const opened = services as Services | null;
        if (opened) await opened.close();
      }
    },
  };
}

// ---- human output ----

const show = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Aligned `label  value` lines. */
export function keyValues(rows: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 1)}${show(v)}`).join('\n');
}

/** A plain text table with a header row. */
export function table(head: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [head, ...rows.map((r) => r.map(show))];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export const iso = (ms: number): string => new Date(ms).toISOString();

// `likes-api sandbox create|show|delete|reset|snapshot|restore|clock|faults|fault-add|fault-remove|fault-clear|requests|usage`:
// what the control API does (src/http/routes/admin/), from the command line, on the same store and shared state.
// Clock, faults, the request log and usage live in the shared state: without LIKES_API_REDIS_URL a running server
// keeps its own in memory, and these commands (another process) neither see nor change them.
import { refusedAs } from '../domain/sandboxes/controlRequestError.ts';
import { estimateLedger, type UsageEstimate } from '../domain/sandboxes/costs.ts';
import { newFault, parseFaultRequest } from '../domain/sandboxes/faults.ts';
import { parseClockRequest, presentClock } from '../domain/sandboxes/sandboxClock.ts';
import { parseSandboxSeed, parseSnapshotName } from '../domain/sandboxes/sandboxes.ts';
import { localBaseUrl } from '../config.ts';
import type { Services } from '../services.ts';
import type { World } from '../worlds.ts';
import { AdminError, UsageError, keyValues, table, type Flags, type Subcommand } from './admin/cli.ts';

const MEMORY_NOTE = 'Shared state is in memory (no LIKES_API_REDIS_URL): a running server keeps its own, which this command neither sees nor changes; use the control API (/__admin/) instead.';

export async function worldNamed(s: Services, id: string): Promise<World> {
  const found = await s.worlds.live(id);
  if (!found) throw new AdminError(`no sandbox "${id}"`);
  return found.world;
}

/** A control request the domain refused, as a usage error. */
const control = <T>(read: () => T): T => refusedAs(read, (message) => new UsageError(message));

const notes = (s: Services): string[] => (s.config.redisUrl ? [] : [MEMORY_NOTE]);
const withNotes = (human: string, s: Services): string => [human, ...notes(s).map((n) => `Note: ${n}`)].join('\n');
const baseUrlOf = (s: Services): string => localBaseUrl(s.config.host, s.config.port);

const create: Subcommand = {
  synopsis: '[--seed demo|empty]',
  summary: 'Make a sandbox: a whole X world of its own, with credentials of its own',
  help: `Makes a sandbox from a template of the seed and prints its id and credentials (the shape of
demo-credentials.json; \`sandbox show\` prints them again). Requests carrying them reach this sandbox only.

Options:
  --seed SEED        demo (the demo world, the default) or empty (the demo's five token holders, no Tweets or likes)`,
  flags: { seed: 'string' },
  async run({ flags, services }) {
    const seed = control(() => parseSandboxSeed(flags.str('seed')));
    const s = await services();
    const made = await s.worlds.create(seed, Date.now());
    const credentials = { ...made.credentials, baseUrl: baseUrlOf(s) };
    return { json: { id: made.id, credentials }, human: `Sandbox ${made.id} (seed ${seed})\n${JSON.stringify(credentials, null, 2)}` };
  },
};

const show: Subcommand = {
  synopsis: 'ID',
  summary: "Show a sandbox and its credentials",
  help: 'Shows what GET /__admin/sandboxes/ID answers: the summary and the credentials document.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    const world = await worldNamed(s, args.ID);
    const summary = await s.worlds.summary(world);
    const credentials = await s.worlds.credentialsOf(world);
    const json = { data: summary, ...(credentials ? { credentials: { ...credentials, baseUrl: baseUrlOf(s) } } : {}) };
    return { json, human: `${keyValues(Object.entries(summary))}${credentials ? `\n${JSON.stringify(json.credentials, null, 2)}` : ''}` };
  },
};

const remove: Subcommand = {
  synopsis: 'ID',
  summary: 'Delete a sandbox: its data, snapshots and shared state are gone',
  help: 'Deletes the sandbox ID. The default world cannot be deleted.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    if (!(await s.worlds.delete(args.ID))) throw new AdminError(`no sandbox "${args.ID}" (the default world cannot be deleted)`);
    return { json: { deleted: args.ID }, human: `Deleted sandbox ${args.ID}` };
  },
};

const reset: Subcommand = {
  synopsis: 'ID',
  summary: 'Put a sandbox back as it was made (same credentials)',
  help: 'Puts the data of sandbox ID back as it was made and forgets its rate-limit windows, usage, clock and faults.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    if (!(await s.worlds.reset(await worldNamed(s, args.ID)))) throw new AdminError(`sandbox "${args.ID}" has no seed to go back to`);
    return { json: { reset: args.ID }, human: withNotes(`Reset sandbox ${args.ID}`, s) };
  },
};

const snapshot: Subcommand = {
  synopsis: 'ID NAME',
  summary: "Save a sandbox's data as a named snapshot",
  help: 'Saves the data of sandbox ID as snapshot NAME (replacing one of that name).',
  flags: {},
  args: ['ID', 'NAME'],
  async run({ args, services }) {
    const name = control(() => parseSnapshotName(args.NAME));
    const s = await services();
    await s.worlds.snapshot(await worldNamed(s, args.ID), name);
    return { json: { id: args.ID, snapshot: name }, human: `Saved snapshot ${name} of sandbox ${args.ID}` };
  },
};

const restore: Subcommand = {
  synopsis: 'ID NAME',
  summary: "Put a sandbox's data back as a snapshot holds it",
  help: 'Replaces the data of sandbox ID with snapshot NAME.',
  flags: {},
  args: ['ID', 'NAME'],
  async run({ args, services }) {
    const name = control(() => parseSnapshotName(args.NAME));
    const s = await services();
    if (!(await s.worlds.restore(await worldNamed(s, args.ID), name))) throw new AdminError(`sandbox "${args.ID}" has no snapshot "${name}"`);
    return { json: { id: args.ID, restored: name }, human: `Restored snapshot ${name} of sandbox ${args.ID}` };
  },
};

const clock: Subcommand = {
  synopsis: 'ID [--advance SECONDS | --now ISO]',
  summary: "Show or move a sandbox's clock",
  help: `Shows the time of sandbox ID, or moves it: forward by SECONDS, or to the instant ISO. Its time drives its
rate-limit windows, monthly cap, token and code expiry and the times of new likes.

Options:
  --advance SECONDS  Move the clock forward
  --now ISO          Set the clock to an ISO 8601 date-time (with a time zone)`,
  flags: { advance: 'string', now: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const advance = flags.str('advance');
    const at = flags.str('now');
    const body = { ...(advance !== undefined ? { advance_seconds: Number(advance) } : {}), ...(at !== undefined ? { now: at } : {}) };
    const move = advance === undefined && at === undefined ? null : control(() => parseClockRequest(body));
    const s = await services();
    const world = await worldNamed(s, args.ID);
    const json = presentClock(move ? await control(() => s.worlds.moveClock(world, move)) : await s.worlds.timeOf(world));
    return { json, human: withNotes(`Sandbox ${args.ID}: ${json.now}`, s) };
  },
};

const faultRows = (faults: Awaited<ReturnType<World['shared']['controls']['faults']>>) =>
  table(['ID', 'ENDPOINT', 'ACTION', 'USER', 'APP', 'DELAY MS', 'TIMES LEFT', 'PROBABILITY'],
    faults.map((f) => [f.id, f.endpoint, f.action, f.user_id ?? '-', f.app_id ?? '-', f.delay_ms ?? '-', f.times_remaining ?? '-', f.probability]));

const faults: Subcommand = {
  synopsis: 'ID',
  summary: "List a sandbox's faults",
  help: 'Lists the faults injected into the API requests of sandbox ID, in the order they are tried.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    const list = await (await worldNamed(s, args.ID)).shared.controls.faults();
    return { json: { data: list }, human: withNotes(faultRows(list), s) };
  },
};

/** The fault request the flags describe, as the control API takes it (src/domain/sandboxes/faults.ts). */
function faultBody(flags: Flags): Record<string, unknown> {
  const number = (name: string) => (flags.str(name) === undefined ? undefined : Number(flags.str(name)));
  const body: Record<string, unknown> = {
    endpoint: flags.str('endpoint'),
    action: flags.str('action'),
    user_id: flags.str('user-id'),
    app_id: flags.str('app-id'),
    delay_ms: number('delay-ms'),
    times: number('times'),
    probability: number('probability'),
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const faultAdd: Subcommand = {
  synopsis: 'ID --endpoint E --action A [--user-id U] [--app-id P] [--delay-ms N] [--times N] [--probability P]',
  summary: "Inject a fault into a sandbox's API requests",
  help: `Makes the matching API requests of sandbox ID fail as X fails, until removed (or --times times).

Options:
  --endpoint E       liked_tweets, liking_users, like, unlike or * (all four)
  --action A         rate_limit, unavailable, usage_capped, server_error, delay or drop
  --user-id U        Only requests authenticated as this user
  --app-id P         Only requests of this App
  --delay-ms N       How late (delay only; up to 60000)
  --times N          Apply it N times, then remove it
  --probability P    Apply it to this share of matching requests (0 to 1]`,
  flags: { endpoint: 'string', action: 'string', 'user-id': 'string', 'app-id': 'string', 'delay-ms': 'string', times: 'string', probability: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const spec = control(() => parseFaultRequest(faultBody(flags)));
    const s = await services();
    const world = await worldNamed(s, args.ID);
    const fault = await world.shared.controls.addFault(newFault(spec, world.clock.now()));
    return { json: fault, human: withNotes(`Added fault ${fault.id} to sandbox ${args.ID}\n${faultRows([fault])}`, s) };
  },
};

const faultRemove: Subcommand = {
  synopsis: 'ID FAULT_ID',
  summary: "Remove one of a sandbox's faults",
  help: 'Removes the fault FAULT_ID of sandbox ID.',
  flags: {},
  args: ['ID', 'FAULT_ID'],
  async run({ args, services }) {
    const s = await services();
    if (!(await (await worldNamed(s, args.ID)).shared.controls.removeFault(args.FAULT_ID))) {
      throw new AdminError(`sandbox "${args.ID}" has no fault "${args.FAULT_ID}"`);
    }
    return { json: { removed: 1 }, human: withNotes(`Removed fault ${args.FAULT_ID}`, s) };
  },
};

const faultClear: Subcommand = {
  synopsis: 'ID',
  summary: "Remove every fault of a sandbox",
  help: 'Removes every fault of sandbox ID.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    const removed = await (await worldNamed(s, args.ID)).shared.controls.clearFaults();
    return { json: { removed }, human: withNotes(`Removed ${removed} fault${removed === 1 ? '' : 's'}`, s) };
  },
};

const requests: Subcommand = {
  synopsis: 'ID [--limit N]',
  summary: "Show a sandbox's latest requests (the inspector)",
  help: `Shows the latest requests of sandbox ID, newest first, with the auth scheme and verdict; --json shows why a
signature was refused (the base strings the server computed).

Options:
  --limit N          How many (1-500, default 20)`,
  flags: { limit: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const limit = flags.int('limit', 1, 500) ?? 20;
    const s = await services();
    const list = await (await worldNamed(s, args.ID)).shared.journal.latest(limit);
    const human = table(['TIME', 'METHOD', 'PATH', 'STATUS', 'APP', 'USER', 'AUTH', 'FAULT'],
      list.map((r) => [r.time, r.method, r.path, r.status, r.app_id ?? '-', r.user_id ?? '-', `${r.auth.scheme} ${r.auth.verdict}${r.auth.reason ? ` (${r.auth.reason})` : ''}`, r.fault ?? '-']));
    return { json: { data: list }, human: withNotes(human, s) };
  },
};

export const costRows = (rows: UsageEstimate['data']): string =>
  table(['DAY', 'APP', 'REQUESTS', 'WRITES', 'POSTS (BILLED)', 'USERS (BILLED)', 'COST USD'],
    rows.map((r) => [r.day, r.app_id, r.requests, r.writes, `${r.posts_read} (${r.posts_billable})`, `${r.users_read} (${r.users_billable})`, r.cost_usd.total]));

const usage: Subcommand = {
  synopsis: 'ID',
  summary: 'Show what a sandbox’s requests would cost on X',
  help: `Shows the requests, resources and estimated cost of sandbox ID per App and UTC day, priced with X's
pay-per-use table (resources deduplicated per App per UTC day of the sandbox's clock).`,
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const s = await services();
    const estimate = await estimateLedger((await worldNamed(s, args.ID)).shared.ledger);
    return { json: estimate, human: withNotes(`${costRows(estimate.data)}\nTotal: ${estimate.totals.cost_usd.total} USD (${estimate.note})`, s) };
  },
};

export const sandboxControlCommands: Record<string, Subcommand> = {
  create,
  show,
  delete: remove,
  reset,
  snapshot,
  restore,
  clock,
  faults,
  'fault-add': faultAdd,
  'fault-remove': faultRemove,
  'fault-clear': faultClear,
  requests,
  usage,
};

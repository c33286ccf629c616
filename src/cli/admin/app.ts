// `likes-api app create|list|show|set|regenerate|usage`: Apps, their credentials (printed once), their
// policies, and what they used of their Project's Tweet cap and of their app-only rate limits.
import type { CredentialIssuer } from '../../auth/credentials.ts';
import { appCallbacks, callbackUrlProblem, setAppCallbacks } from '../../auth/flows/callbacks.ts';
import { effectivePolicy } from '../../domain/access.ts';
import { APP_TYPES, clientTypeOf, type AppPermission, type AppRecord, type ProjectRecord } from '../../domain/model.ts';
import { appOnlyRateLimits } from '../../domain/rateLimits.ts';
import { USAGE_FIELDS } from '../../domain/usage.ts';
import { estimateLedger } from '../../domain/sandboxes/costs.ts';
import { costRows } from '../sandboxControl.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import {
  AdminError, UsageError, checkId, commandGroup, keyValues, table, type Subcommand,
} from './cli.ts';
import { POLICY_FLAG_KINDS, POLICY_FLAG_NAMES, POLICY_HELP, applyPolicyChanges, describePolicy, readPolicyFlags } from './policy.ts';
import { requireProject } from './project.ts';

const PERMISSIONS: readonly AppPermission[] = ['read', 'read-write', 'read-write-directmessages'];
const ONCE = 'Store these now: they are kept hashed or sealed and cannot be shown again.';
/** X's names for the types of App (developer portal, user authentication settings). */
const APP_TYPE_NAMES = { web: 'Web App', bot: 'Automated App or bot', native: 'Native App', spa: 'Single page App' } as const;
const TYPE_HELP = `  --type T          The App's type, as on X: web (Web App) or bot (Automated App or bot) are confidential
                     clients (HTTP Basic with the client secret on /2/oauth2/token and /2/oauth2/revoke);
                     native (Native App) or spa (Single page App) are public clients (client_id alone)`;

export async function requireApp(services: { store: CredentialStore }, id: string): Promise<AppRecord> {
  const app = await services.store.appById(id);
  if (!app) throw new AdminError(`no App with id ${id}`);
  return app;
}

async function projectOf(services: { store: CredentialStore }, app: AppRecord): Promise<ProjectRecord | null> {
  return app.projectId ? services.store.projectById(app.projectId) : null;
}

/** The App without any credential: safe to list. */
function appJson(app: AppRecord, project: ProjectRecord | null, bearerActive: boolean) {
  return {
    id: app.id,
    name: app.name,
    projectId: app.projectId,
    permission: app.permission,
    suspended: app.suspended,
    clientId: app.clientId,
    type: app.appType,
    clientType: clientTypeOf(app.appType),
    bearerActive,
    policy: app.policy,
    effectivePolicy: effectivePolicy(project, app),
  };
}

function appHuman(app: AppRecord, project: ProjectRecord | null, bearerActive: boolean): string {
  const projectLine = app.projectId === null
    ? 'none (the API refuses this App: client-not-enrolled)'
    : project ? `${project.id} (${project.name})` : `${app.projectId} (missing)`;
  return [
    keyValues([
      ['App', `${app.id} (${app.name})`],
      ['Project', projectLine],
      ['Permission', app.permission],
      ['Suspended', app.suspended ? 'yes' : 'no'],
      ['OAuth 2.0 client id', app.clientId],
      ['Type of App', `${APP_TYPE_NAMES[app.appType]} (${app.appType}: ${clientTypeOf(app.appType)} client)`],
      ['App-only Bearer', bearerActive ? 'active' : 'none (regenerate with --bearer)'],
    ]),
    'Policy:',
    describePolicy(effectivePolicy(project, app), [['project', project?.policy ?? {}], ['app', app.policy]]),
  ].join('\n');
}

async function hasBearer(credentials: CredentialIssuer, appId: string): Promise<boolean> {
  return (await credentials.currentAppBearer(appId)) !== null;
}

function callbacksHuman(callbacks: readonly string[]): string {
  return callbacks.length ? `Callback URLs:\n${callbacks.map((u) => `  ${u}`).join('\n')}` : 'Callback URLs: none (the authorization flows refuse every redirect_uri / oauth_callback)';
}

/** `--callback URL` (repeatable; `none` clears the list): undefined when absent. */
function callbackFlag(urls: string[] | undefined): string[] | undefined {
  if (urls === undefined) return undefined;
  if (urls.length === 1 && urls[0] === 'none') return [];
  for (const url of urls) {
    const problem = callbackUrlProblem(url);
    if (problem) throw new UsageError(`--callback: ${problem}`);
  }
  return urls;
}

/** `--project ID|none`: undefined when absent, null for `none`; the Project must exist. */
async function projectFlag(services: { store: CredentialStore }, raw: string | undefined): Promise<string | null | undefined> {
  if (raw === undefined) return undefined;
  if (raw === 'none') return null;
  return (await requireProject(services, raw)).id;
}

const create: Subcommand = {
  synopsis: '--name N [--project ID] [--permission P] [--type T] [policy options]',
  summary: 'Create an App and print its credentials once',
  help: `Creates an App and prints its consumer key and secret (OAuth 1.0a), OAuth 2.0 client id and secret and
app-only Bearer token. They are shown once: the store keeps them hashed or sealed.
An App outside a Project is refused by the API (client-not-enrolled), as on X.

Options:
  --name N           The App's name (required)
  --project ID       The Project the App belongs to
  --permission P     read|read-write|read-write-directmessages (default read-write)
${TYPE_HELP} (default web)
${POLICY_HELP}`,
  flags: { name: 'string', project: 'string', permission: 'string', type: 'string', ...POLICY_FLAG_KINDS },
  async run({ flags, services }) {
    flags.required('name');
    const name = flags.text('name', 100)!;
    const projectId = flags.id('project');
    const permission = flags.choice('permission', PERMISSIONS) ?? 'read-write';
    const appType = flags.choice('type', APP_TYPES) ?? 'web';
    const policy = applyPolicyChanges({}, readPolicyFlags(flags, false));
    const s = await services();
    const project = projectId === undefined ? null : await requireProject(s, projectId);
    const secrets = await s.credentials.createApp(name, project?.id ?? null, permission, policy, appType);
    const credentials = {
      consumerKey: secrets.consumerKey,
      consumerSecret: secrets.consumerSecret,
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      bearerToken: secrets.bearerToken,
    };
    return {
      json: { app: appJson(secrets.app, project, true), ...credentials },
      human: [
        `Created App ${secrets.app.id}`,
        appHuman(secrets.app, project, true),
        '',
        ONCE,
        keyValues([
          ['Consumer key (API key)', credentials.consumerKey],
          ['Consumer secret', credentials.consumerSecret],
          ['OAuth 2.0 client id', credentials.clientId],
          ['OAuth 2.0 client secret', credentials.clientSecret],
          ['Bearer token', credentials.bearerToken],
        ]),
        '',
        `User tokens: likes-api user tokens USER_ID --app ${secrets.app.id}`,
      ].join('\n'),
    };
  },
};

const list: Subcommand = {
  synopsis: '',
  summary: 'List the Apps (no credentials)',
  help: 'Lists every App with its Project, permission and state. Credentials are never printed.',
  flags: {},
  async run({ services }) {
    const s = await services();
    const [apps, projects] = await Promise.all([s.store.listApps(), s.store.listProjects()]);
    const projectById = new Map(projects.map((p) => [p.id, p]));
    const rows = [];
    for (const app of apps) {
      const project = app.projectId ? projectById.get(app.projectId) ?? null : null;
      rows.push({ app, project, bearer: await hasBearer(s.credentials, app.id) });
    }
    return {
      json: { apps: rows.map((r) => appJson(r.app, r.project, r.bearer)) },
      human: apps.length === 0
        ? 'No Apps yet: likes-api app create --name NAME --project PROJECT_ID'
        : table(
            ['ID', 'NAME', 'PROJECT', 'PERMISSION', 'TYPE', 'SUSPENDED', 'BEARER', 'POLICY OVERRIDES'],
            rows.map(({ app, bearer }) => [
              app.id, app.name, app.projectId ?? 'none', app.permission, app.appType, app.suspended ? 'yes' : 'no', bearer ? 'active' : 'none',
              Object.entries(app.policy).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '-',
            ]),
          ),
    };
  },
};

const showCmd: Subcommand = {
  synopsis: 'ID',
  summary: 'Show an App (no credentials)',
  help: 'Shows the App with id ID: Project, permission, state and the policy in force with where each value comes from.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const id = checkId(args.ID, 'ID');
    const s = await services();
    const app = await requireApp(s, id);
    const project = await projectOf(s, app);
    const bearer = await hasBearer(s.credentials, app.id);
    const callbacks = await appCallbacks(s.store, app.id);
    return { json: { ...appJson(app, project, bearer), callbacks }, human: `${appHuman(app, project, bearer)}\n${callbacksHuman(callbacks)}` };
  },
};

const set: Subcommand = {
  synopsis: 'ID [--name N] [--project ID|none] [--permission P] [--type T] [--suspended on|off] [--callback URL]… [policy options]',
  summary: "Change an App's Project, permission, type, suspension, callback URLs or policies",
  help: `Changes the App with id ID. Policy options set an override on the App (it wins over its Project's); the
value \`default\` removes it. Changes apply to the next request a server handles.
User access tokens keep the permission they were issued with, as on X: mint new ones after changing it.

Options:
  --name N           A new name
  --project ID|none  Move the App to another Project, or out of any (the API then refuses it)
  --permission P     read|read-write|read-write-directmessages
${TYPE_HELP}
  --suspended on|off A suspended App gets 401 on every request
  --callback URL     The App's callback URLs for the authorization flows (OAuth 2.0 redirect_uri, OAuth 1.0a
                     oauth_callback); repeat it for several. Replaces the list; \`--callback none\` clears it.
                     An http URL on 127.0.0.1, localhost or [::1] also matches on any port.
${POLICY_HELP}`,
  flags: { name: 'string', project: 'string', permission: 'string', type: 'string', suspended: 'string', callback: 'strings', ...POLICY_FLAG_KINDS },
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    const name = flags.text('name', 100);
    const projectRaw = flags.str('project');
    if (projectRaw !== undefined && projectRaw !== 'none') checkId(projectRaw, '--project');
    const permission = flags.choice('permission', PERMISSIONS);
    const appType = flags.choice('type', APP_TYPES);
    const suspended = flags.onOff('suspended');
    const changes = readPolicyFlags(flags, true);
    const callbacks = callbackFlag(flags.list('callback'));
    if (!flags.any(['name', 'project', 'permission', 'type', 'suspended', 'callback', ...POLICY_FLAG_NAMES])) {
      throw new UsageError('nothing to change: give at least one option');
    }
    const s = await services();
    const current = await requireApp(s, id);
    const projectId = await projectFlag(s, projectRaw);
    // Permission and type change as in the portal: a public App made confidential gets a client secret (printed
    // once), a confidential one made public loses its secret.
    const authentication = permission || appType
      ? await s.credentials.changeUserAuthentication(current, { permission: permission ?? current.permission, appType: appType ?? current.appType })
      : { app: current, clientSecret: null };
    const next: AppRecord = {
      ...authentication.app,
      name: name ?? current.name,
      projectId: projectId === undefined ? current.projectId : projectId,
      suspended: suspended ?? current.suspended,
      policy: applyPolicyChanges(current.policy, changes),
    };
    await s.store.putApp(next);
    const registered = callbacks === undefined ? await appCallbacks(s.store, next.id) : await setAppCallbacks(s.store, next.id, callbacks);
    const project = await projectOf(s, next);
    const bearer = await hasBearer(s.credentials, next.id);
    const note = permission && permission !== current.permission
      ? '\nNote: existing user access tokens keep the permission they were issued with; mint new ones with `likes-api user tokens`.'
      : '';
    const { clientSecret } = authentication;
    const secretNote = clientSecret !== null
      ? `\nOAuth 2.0 client secret (shown once; the App is now a confidential client): ${clientSecret}`
      : clientTypeOf(current.appType) === 'confidential' && clientTypeOf(next.appType) === 'public'
        ? '\nNote: the App is now a public client; its OAuth 2.0 client secret no longer works.'
        : '';
    return {
      json: { ...appJson(next, project, bearer), callbacks: registered, ...(clientSecret !== null ? { clientSecret } : {}) },
      human: `Updated App ${next.id}\n${appHuman(next, project, bearer)}\n${callbacksHuman(registered)}${note}${secretNote}`,
    };
  },
};

const regenerate: Subcommand = {
  synopsis: 'ID --consumer-keys|--client-secret|--bearer',
  summary: 'Regenerate credentials of an App (the old ones stop working at once)',
  help: `Replaces credentials of the App with id ID and prints the new ones once. The old ones stop working at once.

Options (at least one):
  --consumer-keys    New consumer key and secret; every OAuth 1.0a user access token of the App is revoked, as on X
  --client-secret    New OAuth 2.0 client secret
  --bearer           New app-only Bearer token`,
  flags: { 'consumer-keys': 'boolean', 'client-secret': 'boolean', bearer: 'boolean' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    if (!flags.any(['consumer-keys', 'client-secret', 'bearer'])) {
      throw new UsageError('say what to regenerate: --consumer-keys, --client-secret and/or --bearer');
    }
    const s = await services();
    await requireApp(s, id);
    const out: Record<string, string> = {};
    const notes: string[] = [];
    // Each step re-reads the App: the issuer writes back the record it is given.
    if (flags.bool('consumer-keys')) {
      const keys = await s.credentials.regenerateConsumerKeys(await requireApp(s, id));
      out.consumerKey = keys.consumerKey;
      out.consumerSecret = keys.consumerSecret;
      notes.push('OAuth 1.0a user access tokens of this App were revoked: mint new ones with `likes-api user tokens`.');
    }
    if (flags.bool('client-secret')) {
      out.clientSecret = await s.credentials.regenerateClientSecret(await requireApp(s, id));
    }
    if (flags.bool('bearer')) {
      out.bearerToken = await s.credentials.mintAppBearer(id);
    }
    const labels: Record<string, string> = {
      consumerKey: 'Consumer key (API key)', consumerSecret: 'Consumer secret', clientSecret: 'OAuth 2.0 client secret', bearerToken: 'Bearer token',
    };
    return {
      json: { appId: id, ...out },
      human: [`Regenerated credentials of App ${id}`, ONCE, keyValues(Object.entries(out).map(([k, v]) => [labels[k], v])), ...notes].join('\n'),
    };
  },
};

const usage: Subcommand = {
  synopsis: 'ID [--days N]',
  summary: "Show the Tweet-cap usage of the App's Project and the App's rate-limit state",
  help: `Shows what GET /2/usage/tweets would answer for the App with id ID (every usage.fields), and the state of
its app-only rate-limit buckets under the rate-limit tier in force.
Counts live in the shared state: without LIKES_API_REDIS_URL each server keeps them in its own memory, so this
command (a separate process) sees none.

Also what the App's requests would cost on X's pay-per-use pricing, per UTC day (as GET
/__admin/sandboxes/default/usage shows; \`likes-api sandbox usage ID\` for a sandbox).

Options:
  --days N           Days of daily usage (1-90, default 7)`,
  flags: { days: 'string' },
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    const days = flags.int('days', 1, 90) ?? 7;
    const s = await services();
    const app = await requireApp(s, id);
    // What the App's requests would cost on X (the default world's ledger: GET /__admin/sandboxes/default/usage).
    const estimate = await estimateLedger(s.shared.ledger);
    const cost = estimate.data.filter((r) => r.app_id === app.id);
    const project = await projectOf(s, app);
    const now = s.clock.now();
    const tier = effectivePolicy(project, app).rateLimitTier;
    const report = project ? await s.usage.report(project, days, new Set(USAGE_FIELDS), now) : null;
    const rateLimits = await appOnlyRateLimits(s.shared.rateLimiter, tier, app.id, now);
    const notes: string[] = [];
    if (!s.config.redisUrl) {
      notes.push('Shared state is in memory (no LIKES_API_REDIS_URL): a server keeps its counts in its own process, so this command sees no usage and full rate-limit windows.');
    }
    if (!s.config.limits) notes.push('Limits are off (LIKES_API_LIMITS=off): servers count nothing.');
    if (!project) notes.push('The App is not in a Project: the API refuses it (client-not-enrolled) and it has no Tweet cap.');

    const human: string[] = [`App ${app.id} (${app.name})`];
    if (report) {
      const d = report.data;
      human.push(keyValues([
        ['Project', `${project!.id} (${project!.name})`],
        ['Tweets read this period', d.project_usage],
        ['Monthly Tweet cap', d.project_cap],
        ['Cap resets in (days)', d.cap_reset_day],
      ]));
      const daily = d.daily_project_usage?.usage ?? [];
      const mine = d.daily_client_app_usage?.find((u) => u.client_app_id === app.id)?.usage ?? [];
      human.push(`Daily usage (last ${days} days):`);
      human.push(table(['DATE', 'PROJECT', 'THIS APP'], daily.map((u, i) => [u.date.slice(0, 10), u.usage, mine[i]?.usage ?? '0'])));
    }
    human.push(`Rate limits (app-only, tier ${tier}):`);
    human.push(table(
      ['BUCKET', 'ENDPOINTS', 'WINDOW', 'LIMIT', 'REMAINING', 'RESETS AT'],
      rateLimits.map((r) => [r.bucket, r.endpoints.join(','), `${r.windowSeconds / 60} min`, r.limit, r.remaining, r.resetAt]),
    ));
    human.push('What it would cost on X (pay-per-use, resources deduplicated per UTC day):');
    human.push(costRows(cost));
    if (notes.length) human.push(...notes.map((n) => `Note: ${n}`));
    return {
      json: {
        appId: app.id,
        cost: { data: cost, prices: estimate.prices, currency: estimate.currency, note: estimate.note },
        projectId: project?.id ?? null,
        usage: report,
        rateLimitTier: tier,
        rateLimits,
        sharedState: s.config.redisUrl ? 'redis' : 'memory',
        limits: s.config.limits,
        notes,
      },
      human: human.join('\n'),
    };
  },
};

export const appCommand = commandGroup('app', 'Manage Apps and their credentials', {
  create,
  list,
  show: showCmd,
  set,
  regenerate,
  usage,
});

// `likes-api project create|list|show|set`: Projects, their monthly Tweet cap, developer account state and
// policy overrides.
import { DEFAULT_POLICY, type AppRecord, type DeveloperAccountState, type ProjectRecord } from '../../domain/model.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import { requireDeveloper } from './developer.ts';
import { AdminError, UsageError, checkId, commandGroup, keyValues, table, type Flags, type FlagKind, type Subcommand } from './cli.ts';
import { POLICY_FLAG_KINDS, POLICY_FLAG_NAMES, POLICY_HELP, applyPolicyChanges, describePolicy, readPolicyFlags } from './policy.ts';

const DEVELOPER_STATES: readonly DeveloperAccountState[] = ['approved', 'pending', 'suspended'];
const MAX_CAP = Number.MAX_SAFE_INTEGER;

const PROJECT_FLAGS: Record<string, FlagKind> = {
  name: 'string', cap: 'string', 'reset-day': 'string', developer: 'string', owner: 'string', ...POLICY_FLAG_KINDS,
};

const PROJECT_HELP = `  --cap N            Monthly Tweet cap: Tweets read through liked_tweets per billing period (default 10000000)
  --reset-day D      Day of the month (1-28, UTC) on which usage resets (default 1)
  --developer S      Developer account state (approved|pending|suspended: the API refuses pending and suspended)
  --owner U          The developer account (username) that owns the Project and sees it in the portal;
                     \`none\` (set only) leaves it to the operator alone
${POLICY_HELP}`;

interface ProjectSettings {
  name?: string;
  monthlyTweetCap?: number;
  capResetDay?: number;
  developerState?: DeveloperAccountState;
}

function readSettings(flags: Flags): ProjectSettings {
  return {
    name: flags.text('name', 100),
    monthlyTweetCap: flags.int('cap', 0, MAX_CAP),
    capResetDay: flags.int('reset-day', 1, 28),
    developerState: flags.choice('developer', DEVELOPER_STATES),
  };
}

export function projectJson(project: ProjectRecord, apps?: readonly AppRecord[]) {
  return {
    id: project.id,
    name: project.name,
    monthlyTweetCap: project.monthlyTweetCap,
    capResetDay: project.capResetDay,
    developerState: project.developerState,
    policy: project.policy,
    effectivePolicy: { ...DEFAULT_POLICY, ...project.policy },
    developerId: project.developerId,
    ...(apps ? { apps: apps.map((a) => ({ id: a.id, name: a.name, permission: a.permission, suspended: a.suspended })) } : {}),
  };
}

function projectHuman(project: ProjectRecord, apps: readonly AppRecord[] | null): string {
  const lines = [
    keyValues([
      ['Project', `${project.id} (${project.name})`],
      ['Monthly Tweet cap', project.monthlyTweetCap],
      ['Cap reset day', project.capResetDay],
      ['Developer account', project.developerState],
      ['Owner (developer id)', project.developerId ?? 'none'],
    ]),
    'Policy:',
    describePolicy({ ...DEFAULT_POLICY, ...project.policy }, [['project', project.policy]]),
  ];
  if (apps) {
    lines.push(apps.length ? `Apps:\n${table(['ID', 'NAME', 'PERMISSION', 'SUSPENDED'], apps.map((a) => [a.id, a.name, a.permission, a.suspended ? 'yes' : 'no']))}` : 'Apps: none');
  }
  return lines.join('\n');
}

export async function requireProject(services: { store: CredentialStore }, id: string): Promise<ProjectRecord> {
  const project = await services.store.projectById(id);
  if (!project) throw new AdminError(`no Project with id ${id}`);
  return project;
}

const create: Subcommand = {
  synopsis: '--name N [--cap N] [--reset-day D] [--developer S] [--owner U] [policy options]',
  summary: 'Create a Project',
  help: `Creates a Project (the container X bills and rate-limits Apps by) and prints it.

Options:
  --name N           The Project's name (required)
${PROJECT_HELP}`,
  flags: PROJECT_FLAGS,
  async run({ flags, services }) {
    flags.required('name');
    const settings = readSettings(flags);
    const policy = applyPolicyChanges({}, readPolicyFlags(flags, false));
    const owner = flags.str('owner');
    if (owner === 'none') throw new UsageError('--owner none: a new Project has no owner unless one is given');
    const s = await services();
    const developerId = owner === undefined ? null : (await requireDeveloper(s, owner)).id;
    const project = await s.credentials.createProject(settings.name!, {
      monthlyTweetCap: settings.monthlyTweetCap,
      capResetDay: settings.capResetDay,
      developerState: settings.developerState,
      developerId,
      policy,
    });
    return {
      json: projectJson(project),
      human: `Created Project ${project.id}\n${projectHuman(project, null)}\n\nNext: likes-api app create --name NAME --project ${project.id}`,
    };
  },
};

const list: Subcommand = {
  synopsis: '',
  summary: 'List the Projects',
  help: 'Lists every Project with its cap, developer account state, policy overrides and number of Apps.',
  flags: {},
  async run({ services }) {
    const s = await services();
    const [projects, apps] = await Promise.all([s.store.listProjects(), s.store.listApps()]);
    const appsOf = (id: string) => apps.filter((a) => a.projectId === id);
    return {
      json: { projects: projects.map((p) => projectJson(p, appsOf(p.id))) },
      human: projects.length === 0
        ? 'No Projects yet: likes-api project create --name NAME'
        : table(
            ['ID', 'NAME', 'CAP', 'RESET DAY', 'DEVELOPER', 'APPS', 'POLICY OVERRIDES'],
            projects.map((p) => [
              p.id, p.name, p.monthlyTweetCap, p.capResetDay, p.developerState, appsOf(p.id).length,
              Object.entries(p.policy).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '-',
            ]),
          ),
    };
  },
};

const showCmd: Subcommand = {
  synopsis: 'ID',
  summary: 'Show a Project, its policy and its Apps',
  help: 'Shows the Project with id ID: cap, reset day, developer account state, the policy in force (and which values are overrides) and its Apps.',
  flags: {},
  args: ['ID'],
  async run({ args, services }) {
    const id = checkId(args.ID, 'ID');
    const s = await services();
    const project = await requireProject(s, id);
    const apps = (await s.store.listApps()).filter((a) => a.projectId === id);
    return { json: projectJson(project, apps), human: projectHuman(project, apps) };
  },
};

const set: Subcommand = {
  synopsis: 'ID [--name N] [--cap N] [--reset-day D] [--developer S] [--owner U|none] [policy options]',
  summary: "Change a Project's name, cap, developer account state or policies",
  help: `Changes the Project with id ID. Policy options set an override on the Project; the value \`default\` removes
it (the App's own override, if any, still wins). Changes apply to the next request a server handles.

Options:
  --name N           A new name
${PROJECT_HELP}`,
  flags: PROJECT_FLAGS,
  args: ['ID'],
  async run({ flags, args, services }) {
    const id = checkId(args.ID, 'ID');
    const settings = readSettings(flags);
    const changes = readPolicyFlags(flags, true);
    if (!flags.any(['name', 'cap', 'reset-day', 'developer', 'owner', ...POLICY_FLAG_NAMES])) {
      throw new UsageError('nothing to change: give at least one option');
    }
    const s = await services();
    const current = await requireProject(s, id);
    const owner = flags.str('owner');
    const developerId = owner === undefined ? current.developerId : owner === 'none' ? null : (await requireDeveloper(s, owner)).id;
    const next: ProjectRecord = {
      ...current,
      name: settings.name ?? current.name,
      monthlyTweetCap: settings.monthlyTweetCap ?? current.monthlyTweetCap,
      capResetDay: settings.capResetDay ?? current.capResetDay,
      developerState: settings.developerState ?? current.developerState,
      developerId,
      policy: applyPolicyChanges(current.policy, changes),
    };
    await s.store.putProject(next);
    return { json: projectJson(next), human: `Updated Project ${next.id}\n${projectHuman(next, null)}` };
  },
};

export const projectCommand = commandGroup('project', 'Manage Projects (monthly Tweet cap, developer account state, policies)', {
  create,
  list,
  show: showCmd,
  set,
});

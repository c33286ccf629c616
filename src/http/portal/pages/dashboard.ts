// The dashboard: the signed-in developer's Projects with their Apps and cap use, and the form to create a Project.
import type { DashboardProject } from '../../../domain/portal/dashboard.ts';
import { TIERS, USE_CASES } from '../../../domain/portal/console.ts';
import type { CapUse } from '../../../domain/portal/usage.ts';
import { html, page, type Html } from '../../pages/layout.ts';
import { describedBy, fieldError, FOOTER, PERMISSION_NAMES, TIER_NAMES, tierOf, TYPE_NAMES } from './common.ts';
import { capUseText } from './usage.ts';

export interface DashboardOptions {
  notice?: string;
  problems?: Record<string, string>;
  values?: Record<string, string>;
  capUse?: ReadonlyMap<string, CapUse>;
  /** Whether the session holds the operator's rights (a link to the sandboxes). */
  operator?: boolean;
}

/** The dashboard of a developer (`username`), or of the operator alone (null: no Projects of their own). */
export function portalDashboardPage(
  username: string | null,
  csrf: string,
  projects: readonly DashboardProject[],
  options: DashboardOptions = {},
): string {
  const sections = projects.map(({ project, useCase, apps }) => html`
<section aria-labelledby="project-${project.id}">
<h2 id="project-${project.id}">${project.name}</h2>
<p class="muted">Project ${project.id} · ${tierOf(project.policy)} tier · monthly Tweet cap ${project.monthlyTweetCap.toLocaleString('en-US')}</p>
${useCase ? html`<p class="use-case">Use case: ${useCase}</p>` : ''}
${options.capUse?.get(project.id) ? html`<p class="cap-use">Tweet cap use: ${capUseText(options.capUse.get(project.id)!)}</p>` : ''}
${apps.length === 0 ? html`<p>No Apps in this Project yet.</p>` : html`
<table>
<caption class="muted">Apps of ${project.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">App id</th><th scope="col">Type</th><th scope="col">Permission</th><th scope="col">Settings</th></tr></thead>
<tbody>${apps.map((a) => html`<tr><td>${a.name}${a.suspended ? ' (suspended)' : ''}</td><td><code>${a.id}</code></td><td>${TYPE_NAMES[a.type]}</td><td>${PERMISSION_NAMES[a.permission]}</td><td><a href="/portal/apps/${a.id}" aria-label="Settings and keys of ${a.name}">Settings and keys</a></td></tr>`)}</tbody>
</table>`}
<p><a href="/portal/projects/${project.id}/apps/new">Create an App in ${project.name}</a></p>
</section>`);
  return page('Dashboard', html`
<div class="bar">
<h1>${username === null ? 'Operator' : 'Your Projects'}</h1>
<form method="post" action="/portal/signout">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="secondary">Sign out</button>
</form>
</div>
<p class="who">Signed in as <b>${username ?? 'the operator'}</b>${options.operator && username ? ' with the operator\'s rights' : ''}</p>
${options.notice ? html`<p class="notice" role="status">${options.notice}</p>` : ''}
${options.operator ? html`<p><a href="/portal/sandboxes">Sandboxes</a>: every world this service runs, its clock, faults and credentials.</p>` : ''}
${username === null ? html`<p>The operator has no Projects of their own: developers sign in with their accounts.</p>` : html`
${projects.length === 0 ? html`<p>You have no Projects yet.</p>` : sections}
${createProjectForm(csrf, options.problems ?? {}, options.values ?? {})}`}`, { footer: FOOTER, wide: true });
}

function createProjectForm(csrf: string, problems: Record<string, string>, values: Record<string, string>): Html {
  const tier = values.tier ?? 'classic';
  const useCase = values.useCase ?? '';
  return html`
<section aria-labelledby="create-project">
<h2 id="create-project">Create a Project</h2>
${problems.form ? html`<p class="error" role="alert">${problems.form}</p>` : ''}
<form method="post" action="/portal/projects">
<input type="hidden" name="csrf" value="${csrf}">
<label for="project-name">Project name</label>
<input type="text" id="project-name" name="name" maxlength="100" required value="${values.name ?? ''}"${describedBy('project-name', problems, 'name')}>
${fieldError('project-name', problems, 'name')}
<label for="project-tier">Tier</label>
<select id="project-tier" name="tier"${describedBy('project-tier', problems, 'tier')}>
${TIERS.map((t) => html`<option value="${t}"${t === tier ? html` selected` : ''}>${TIER_NAMES[t]}</option>`)}
</select>
${fieldError('project-tier', problems, 'tier')}
<label for="project-use-case">Use case</label>
<select id="project-use-case" name="useCase"${describedBy('project-use-case', problems, 'useCase', 'project-use-case-help')}>
<option value=""${useCase === '' ? html` selected` : ''}>Not stated</option>
${USE_CASES.map((u) => html`<option value="${u}"${u === useCase ? html` selected` : ''}>${u}</option>`)}
</select>
<p class="muted hint" id="project-use-case-help">What you will use the Project for, as X asks when you create one.</p>
${fieldError('project-use-case', problems, 'useCase')}
<div class="actions"><button type="submit" class="primary">Create Project</button></div>
</form>
</section>`;
}


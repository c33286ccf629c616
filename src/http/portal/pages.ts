// The developer portal's pages (/portal): sign-in, the dashboard of the signed-in developer's Projects and Apps,
// and the refusal of a form without its CSRF token. Server-rendered with the escaping layout of the consent pages.
import type { DashboardProject } from '../../domain/portal/dashboard.ts';
import { html, page } from '../pages/layout.ts';

const FOOTER = 'Developer portal of a self-hosted stand-in for the X API.';
const TYPE_NAMES = { web: 'Web App', bot: 'Automated App or bot', native: 'Native App', spa: 'Single page App' } as const;
const PERMISSION_NAMES = { read: 'Read', 'read-write': 'Read and write', 'read-write-directmessages': 'Read, write and Direct Messages' } as const;

export function portalSignInPage(csrf: string, options: { username?: string; error?: string } = {}): string {
  return page('Sign in to the developer portal', html`
<h1>Sign in to the developer portal</h1>
<p class="muted">Use a developer account (<code>likes-api developer create</code>).</p>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/portal/signin">
<input type="hidden" name="csrf" value="${csrf}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${options.username ?? ''}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`, { footer: FOOTER });
}

export function portalDashboardPage(username: string, csrf: string, projects: readonly DashboardProject[]): string {
  const sections = projects.map(({ project, apps }) => html`
<section aria-labelledby="project-${project.id}">
<h2 id="project-${project.id}">${project.name}</h2>
<p class="muted">Project ${project.id} · monthly Tweet cap ${project.monthlyTweetCap.toLocaleString('en-US')}</p>
${apps.length === 0 ? html`<p>No Apps in this Project yet.</p>` : html`
<table>
<caption class="muted">Apps of ${project.name}</caption>
<thead><tr><th scope="col">Name</th><th scope="col">App id</th><th scope="col">Type</th><th scope="col">Permission</th></tr></thead>
<tbody>${apps.map((a) => html`<tr><td>${a.name}${a.suspended ? ' (suspended)' : ''}</td><td><code>${a.id}</code></td><td>${TYPE_NAMES[a.type]}</td><td>${PERMISSION_NAMES[a.permission]}</td></tr>`)}</tbody>
</table>`}
</section>`);
  return page('Dashboard', html`
<div class="bar">
<h1>Your Projects</h1>
<form method="post" action="/portal/signout">
<input type="hidden" name="csrf" value="${csrf}">
<button type="submit" class="secondary">Sign out</button>
</form>
</div>
<p class="who">Signed in as <b>${username}</b></p>
${projects.length === 0 ? html`<p>You have no Projects yet.</p>` : sections}`, { footer: FOOTER, wide: true });
}

export function portalForbiddenPage(): string {
  return page('Form expired', html`
<h1>This form has expired</h1>
<p>The page was open too long or came from somewhere else. <a href="/portal">Go back to the developer portal</a> and try again.</p>`, { footer: FOOTER });
}

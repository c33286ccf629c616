// A developer's Projects and Apps in the portal:
//   POST /portal/projects                  create a Project (back to the dashboard, or it with the form's errors)
//   GET  /portal/projects/:id/apps/new     the form to create an App in the Project; POST …/apps creates it
//   GET  /portal/apps/:id                  an App's settings; POST …/settings (user authentication settings: permissions,
//                                          type, callback URLs, website) and …/regenerate (keys, tokens, and the
//                                          developer's own Access Token) change them
//   GET  /portal/apps/:id/keys             the secrets just made, shown once
//   GET  /portal/apps/:id/usage            Tweet-cap use, requests and cost per UTC day, rate limits
// Only the owner developer reaches an App or Project: anyone else's is not found (404), never told apart.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DeveloperConsole, FormProblem, type OwnedApp } from '../../domain/portal/console.ts';
import { appUsageOf } from '../../domain/portal/usage.ts';
import type { DeveloperSession, PortalKit } from './portalKit.ts';
import { showDashboard } from './dashboard.ts';
import { portalAppPage, portalCreateAppPage, portalKeysPage, type AppPageOptions } from './pages/apps.ts';
import { portalUsagePage } from './pages/usage.ts';

export const appRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (app, { kit }) => {
  const { services, clock, reveals, show, notFound, seeOther, idParam, developerPage, developerPost } = kit;
  const developerConsole = new DeveloperConsole(services.store, services.credentials);
  /** A form's address opened again: the page it came from. */
  const backTo = (reply: FastifyReply, id: string | null) => seeOther(reply, id ? `/portal/apps/${id}` : '/portal');
  /** The App's settings page, with its user authentication settings and the developer's own token. */
  const showApp = async (current: DeveloperSession, owned: OwnedApp, reply: FastifyReply, status: number, options: AppPageOptions = {}) =>
    show(reply, status, portalAppPage(current.session.csrf, owned, await developerConsole.settingsOf(current.developer, owned), current.developer, options));
  const SAVED = new Map([['settings', 'User authentication settings saved.']]);

  app.post('/portal/projects', developerPost(async (current, fields, _req, reply) => {
    const values = { name: fields.get('name') ?? '', tier: fields.get('tier') ?? '', useCase: fields.get('useCase') ?? '' };
    try {
      const project = await developerConsole.createProject(current.developer, values);
      return seeOther(reply, `/portal#project-${project.id}`);
    } catch (e) {
      if (e instanceof FormProblem) return showDashboard(kit, current, reply, 400, { problems: e.problems, values });
      throw e;
    }
  }));

  app.get('/portal/projects/:id/apps/new', developerPage(async (current, req, reply) => {
    const id = idParam(req);
    const project = id ? await developerConsole.projectOf(current.developer, id) : null;
    if (!project) return notFound(reply);
    return show(reply, 200, portalCreateAppPage(current.session.csrf, project));
  }));

  app.post('/portal/projects/:id/apps', developerPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    const values = {
      name: fields.get('name') ?? '', type: fields.get('type') ?? '', permission: fields.get('permission') ?? '', callbacks: fields.get('callbacks') ?? '',
    };
    try {
      const created = id ? await developerConsole.createApp(current.developer, id, values) : null;
      if (!created) return notFound(reply);
      await reveals.put(current.session.id, created.app.id, { heading: `Keys and tokens of ${created.app.name}`, shown: created.shown });
      return seeOther(reply, `/portal/apps/${created.app.id}/keys`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const project = await developerConsole.projectOf(current.developer, id!);
      if (!project) return notFound(reply);
      return show(reply, 400, portalCreateAppPage(current.session.csrf, project, e.problems, values));
    }
  }));

  app.get('/portal/apps/:id', developerPage(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    const saved = (req.query as { saved?: unknown }).saved;
    return showApp(current, owned, reply, 200, { notice: typeof saved === 'string' ? SAVED.get(saved) : undefined });
  }));

  app.get('/portal/apps/:id/usage', developerPage(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    const usage = await appUsageOf({ usage: services.usage, ledger: services.shared.ledger, rateLimiter: services.shared.rateLimiter }, owned, clock.now());
    return show(reply, 200, portalUsagePage(owned, usage));
  }));

  app.get('/portal/apps/:id/keys', developerPage(async (current, req, reply) => {
    const id = idParam(req);
    const owned = id ? await developerConsole.appOf(current.developer, id) : null;
    if (!owned) return notFound(reply);
    return show(reply, 200, portalKeysPage(owned.app, await reveals.take(current.session.id, owned.app.id)));
  }));

  app.post('/portal/apps/:id/settings', developerPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    const values = {
      permission: fields.get('permission') ?? '', type: fields.get('type') ?? '', callbacks: fields.get('callbacks') ?? '', website: fields.get('website') ?? '',
    };
    try {
      const saved = id ? await developerConsole.setUserAuthentication(current.developer, id, values) : null;
      if (!saved) return notFound(reply);
      if (saved.shown.length === 0) return seeOther(reply, `/portal/apps/${id}?saved=settings`);
      // A public client turned confidential: its new client secret, shown once.
      await reveals.put(current.session.id, id!, { heading: 'User authentication settings saved: your new client secret', shown: saved.shown });
      return seeOther(reply, `/portal/apps/${id}/keys`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const owned = await developerConsole.appOf(current.developer, id!);
      if (!owned) return notFound(reply);
      return showApp(current, owned, reply, 400, { problems: e.problems, values });
    }
  }));

  app.post('/portal/apps/:id/regenerate', developerPost(async (current, fields, req, reply) => {
    const id = idParam(req);
    try {
      const reveal = id ? await developerConsole.regenerate(current.developer, id, fields.get('what') ?? '') : null;
      if (!reveal) return notFound(reply);
      await reveals.put(current.session.id, id!, reveal);
      return seeOther(reply, `/portal/apps/${id}/keys`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const owned = await developerConsole.appOf(current.developer, id!);
      if (!owned) return notFound(reply);
      return showApp(current, owned, reply, 400, { problems: e.problems });
    }
  }));

  app.get('/portal/projects', async (_req, reply) => seeOther(reply, '/portal'));
  app.get('/portal/projects/:id/apps', async (req, reply) => seeOther(reply, `/portal/projects/${idParam(req) ?? '0'}/apps/new`));
  app.get('/portal/apps/:id/regenerate', async (req, reply) => backTo(reply, idParam(req)));
  app.get('/portal/apps/:id/settings', async (req, reply) => backTo(reply, idParam(req)));
};

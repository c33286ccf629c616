// An App's webhooks and events in the portal, through the services the X endpoints use (WebhookConsole):
//   GET  /portal/apps/:id/webhooks                         its webhooks, the subscriptions posting to each, the form to register one
//   POST /portal/apps/:id/webhooks                         registers a URL once it passes X's CRC (POST /2/webhooks): back
//                                                          with the CRC's result, or a 400 page saying why it failed
//   POST /portal/apps/:id/webhooks/:webhookId/validate     the CRC again (PUT /2/webhooks/{id}), its result shown
//   POST /portal/apps/:id/webhooks/:webhookId/delete       deletes the webhook and its subscriptions
//   GET  /portal/apps/:id/webhooks/:webhookId              its delivery log, each body as posted, and the replay form
//   POST /portal/apps/:id/webhooks/:webhookId/replay       replays a window (POST /2/webhooks/replay)
// Only the owner developer reaches an App or its webhooks: anyone else's is not found (404), never told apart.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DeveloperConsole, FormProblem, type OwnedApp } from '../../domain/portal/console.ts';
import { replayMinute, WebhookConsole } from '../../domain/portal/webhookConsole.ts';
import { ID, type DeveloperSession, type PortalKit } from './portalKit.ts';
import {
  portalWebhookPage, portalWebhooksPage, registeredNotice, replayNotice, revalidationFailure, validatedNotice, type WebhooksPageOptions,
} from './pages/webhooks.ts';

/** X's status for a refusal: the App refused 403, its window spent 429, the form's values 400. */
const statusOf = (problem: FormProblem): number => (problem.problems.app ? 403 : problem.problems.limit ? 429 : 400);

export const webhookRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (app, { kit }) => {
  const { services, show, notFound, seeOther, idParam, developerPage, developerPost } = kit;
  const developerConsole = new DeveloperConsole(services.store, services.credentials);
  const webhookConsole = new WebhookConsole(services.events, services.store, services.clock, { limiter: services.shared.rateLimiter, enabled: services.config.limits });
  const base = (appId: string) => `/portal/apps/${appId}/webhooks`;

  /** The signed-in developer's App named by the path, or null. */
  const ownedApp = async (current: DeveloperSession, req: FastifyRequest) => {
    const id = idParam(req);
    return id ? developerConsole.appOf(current.developer, id) : null;
  };
  const query = (req: FastifyRequest) => req.query as Record<string, string | undefined>;

  /** The webhooks page, with what the last change did. */
  const showWebhooks = async (reply: FastifyReply, status: number, current: DeveloperSession, owned: OwnedApp, options: WebhooksPageOptions) =>
    show(reply, status, portalWebhooksPage(current.session.csrf, owned, await webhookConsole.overview(owned), options));

  app.get('/portal/apps/:id/webhooks', developerPage(async (current, req, reply) => {
    const owned = await ownedApp(current, req);
    if (!owned) return notFound(reply);
    const overview = await webhookConsole.overview(owned);
    const { registered, validated, deleted } = query(req);
    // What the last change did, said only of the App's own webhooks (the query is the redirect's, or anyone's).
    const named = (id: string | undefined) => overview.webhooks.find((v) => v.webhook.id === id)?.webhook;
    const justRegistered = named(registered);
    const justValidated = named(validated);
    const notice = justRegistered ? registeredNotice(justRegistered)
      : justValidated ? validatedNotice(justValidated)
        : deleted && ID.test(deleted) && !named(deleted) ? `Webhook ${deleted} deleted, with the subscriptions that posted to it.`
          : undefined;
    return show(reply, 200, portalWebhooksPage(current.session.csrf, owned, overview, { notice }));
  }));

  app.post('/portal/apps/:id/webhooks', developerPost(async (current, fields, req, reply) => {
    const owned = await ownedApp(current, req);
    if (!owned) return notFound(reply);
    const url = fields.get('url') ?? '';
    try {
      const webhookId = await webhookConsole.register(owned, url);
      return seeOther(reply, `${base(owned.app.id)}?registered=${webhookId}#webhook-${webhookId}`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      return showWebhooks(reply, statusOf(e), current, owned, { problems: e.problems, url });
    }
  }));

  app.post('/portal/apps/:id/webhooks/:webhookId/validate', developerPost(async (current, _fields, req, reply) => {
    const owned = await ownedApp(current, req);
    const webhookId = idParam(req, 'webhookId');
    if (!owned || !webhookId) return notFound(reply);
    try {
      const result = await webhookConsole.revalidate(owned, webhookId);
      if (!result) return notFound(reply);
      if (result.passed) return seeOther(reply, `${base(owned.app.id)}?validated=${webhookId}#webhook-${webhookId}`);
      return showWebhooks(reply, 400, current, owned, { error: revalidationFailure(result.webhook, result.reason) });
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      return showWebhooks(reply, statusOf(e), current, owned, { problems: e.problems });
    }
  }));

  app.post('/portal/apps/:id/webhooks/:webhookId/delete', developerPost(async (current, _fields, req, reply) => {
    const owned = await ownedApp(current, req);
    const webhookId = idParam(req, 'webhookId');
    if (!owned || !webhookId) return notFound(reply);
    try {
      if (!(await webhookConsole.remove(owned, webhookId))) return notFound(reply);
      return seeOther(reply, `${base(owned.app.id)}?deleted=${webhookId}`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      return showWebhooks(reply, statusOf(e), current, owned, { problems: e.problems });
    }
  }));

  app.get('/portal/apps/:id/webhooks/:webhookId', developerPage(async (current, req, reply) => {
    const owned = await ownedApp(current, req);
    const webhookId = idParam(req, 'webhookId');
    const log = owned && webhookId ? await webhookConsole.deliveryLog(owned, webhookId) : null;
    if (!owned || !log) return notFound(reply);
    const { replay, from, to } = query(req);
    const notice = replay && ID.test(replay) && from && to && replayMinute(from) && replayMinute(to) ? replayNotice(replay, from, to) : undefined;
    return show(reply, 200, portalWebhookPage(current.session.csrf, owned, log, { notice }));
  }));

  app.post('/portal/apps/:id/webhooks/:webhookId/replay', developerPost(async (current, fields, req, reply) => {
    const owned = await ownedApp(current, req);
    const webhookId = idParam(req, 'webhookId');
    if (!owned || !webhookId) return notFound(reply);
    const values = { from: fields.get('from') ?? '', to: fields.get('to') ?? '' };
    try {
      const started = await webhookConsole.replay(owned, webhookId, values);
      if (!started) return notFound(reply);
      const window = `from=${encodeURIComponent(started.from)}&to=${encodeURIComponent(started.to)}`;
      return seeOther(reply, `${base(owned.app.id)}/${webhookId}?replay=${started.jobId}&${window}`);
    } catch (e) {
      if (!(e instanceof FormProblem)) throw e;
      const log = await webhookConsole.deliveryLog(owned, webhookId);
      if (!log) return notFound(reply);
      return show(reply, statusOf(e), portalWebhookPage(current.session.csrf, owned, log, { problems: e.problems, values }));
    }
  }));

  // A form's own address opened again (a reload after a refusal, a restored tab): the page it came from.
  for (const action of ['validate', 'delete', 'replay']) {
    app.get(`/portal/apps/:id/webhooks/:webhookId/${action}`, async (req, reply) => {
      const appId = idParam(req) ?? '0';
      const webhookId = idParam(req, 'webhookId');
      return seeOther(reply, action === 'replay' && webhookId ? `${base(appId)}/${webhookId}` : base(appId));
    });
  }
};

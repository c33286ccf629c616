// The operator's sandboxes in the portal (only when the service has an admin token; sessions with the operator's
// rights only, others are sent to /portal/operator):
//   GET  /portal/sandboxes                           every world, and the form to make a sandbox (POST makes one)
//   GET  /portal/sandboxes/:id                       a world: summary, credentials, clock, faults, snapshots
//   GET  /portal/sandboxes/:id/credentials.json      its credentials document, as a download
//   POST /portal/sandboxes/:id/clock                 advance the clock (`advance` in `unit`) or set it (`now`)
//   POST /portal/sandboxes/:id/faults                add a fault; …/faults/:fault/remove and …/faults/remove-all
//   POST /portal/sandboxes/:id/snapshots             take one (`name`); …/snapshots/:name/restore puts it back
//   POST /portal/sandboxes/:id/reset                 back to its seed
//   GET  /portal/sandboxes/:id/delete                the step that confirms a delete; POST deletes (not the default)
// Each does what the control API does (src/http/routes/admin/sandboxes.ts and controls.ts) through the same
// services and parsers, then 303 back to the world's page with a notice; a refused form is the page again (400)
// with the control API's words beside the field.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { resolveAdminToken } from '../../auth/adminToken.ts';
import { FormProblem } from '../../domain/portal/console.ts';
import { onField, readClockForm, readFaultForm, readSeedForm, readSnapshotForm } from '../../domain/portal/sandboxForms.ts';
import { FAULT_ID_PATTERN, newFault } from '../../domain/sandboxes/faults.ts';
import { DEFAULT_SANDBOX, SANDBOX_ID } from '../../domain/sandboxes/sandboxIds.ts';
import { USER_SNAPSHOT_NAME } from '../../domain/sandboxes/sandboxes.ts';
import type { CurrentSession } from '../../domain/portal/portalSessions.ts';
import { SandboxesUnsupportedError, type World } from '../../worlds.ts';
import { servedCredentials } from '../routes/admin/sandboxes.ts';
import type { PortalKit } from './portalKit.ts';
import {
  portalDeleteSandboxPage, portalSandboxesPage, portalSandboxNotFoundPage, portalSandboxPage, sandboxNotice, type SandboxPageOptions,
  type SandboxView,
} from './pages/sandboxes.ts';

type Form = Map<string, string>;

/** An action the world refuses as a whole (nothing to restore, nothing to reset to), with the page's status. */
class ActionRefused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Why sandboxes cannot be made here, for the operator (the control API answers 501). */
const UNSUPPORTED = 'Sandboxes need the SQLite or PostgreSQL store: this service runs on a store that cannot copy worlds.';

/** The form's fields to show again after a refusal (never its CSRF token: the page has its own). */
const valuesOf = (fields: Form): Record<string, string> => Object.fromEntries([...fields].filter(([name]) => name !== 'csrf'));

export const sandboxRoutes: FastifyPluginAsync<{ kit: PortalKit }> = async (app, { kit }) => {
  const { services, clock, sessions, show, seeOther, operatorPage, operatorPost } = kit;
  if (!sessions.operatorEnabled) return;
  // There is one (operatorEnabled says so): the credentials documents name it, as the control API's do.
  const adminToken = (await resolveAdminToken(services))!;
  const { worlds } = services;

  /** The path's world id as written (for the not-found page), and the world when it exists. */
  const worldOf = async (req: FastifyRequest): Promise<{ id: string; world: World | null }> => {
    const id = String((req.params as { id?: string }).id ?? '');
    const known = id === DEFAULT_SANDBOX || SANDBOX_ID.test(id);
    return { id, world: known ? ((await worlds.live(id))?.world ?? null) : null };
  };
  const noSuchSandbox = (reply: FastifyReply, id: string) => show(reply, 404, portalSandboxNotFoundPage(id.slice(0, 64)));

  const viewOf = async (req: FastifyRequest, world: World): Promise<SandboxView> => {
    const [summary, credentials, now, offsetMs, faults] = await Promise.all([
      worlds.summary(world), worlds.credentialsOf(world), worlds.timeOf(world), world.shared.controls.clockOffsetMs(), world.shared.controls.faults(),
    ]);
    return { summary, credentials: credentials && servedCredentials(req, services, credentials, adminToken), now, offsetMs, faults };
  };
  const showSandbox = async (current: CurrentSession, req: FastifyRequest, reply: FastifyReply, world: World, status: number, options: SandboxPageOptions = {}) =>
    show(reply, status, portalSandboxPage(current.session.csrf, await viewOf(req, world), options));
  const showList = async (current: CurrentSession, reply: FastifyReply, status: number, options: SandboxPageOptions = {}) =>
    show(reply, status, portalSandboxesPage(current.session.csrf, await worlds.list(), options));

  /**
   * A POST on one world: `act` does it and answers where to go next (the world's page with a notice); a refused form
   * is the world's page again with its problems (400), an action the world refuses is the page with the reason.
   */
  const worldAction = (failed: string, act: (world: World, fields: Form, req: FastifyRequest) => Promise<string>) =>
    operatorPost(async (current, fields, req, reply) => {
      const { id, world } = await worldOf(req);
      if (!world) return noSuchSandbox(reply, id);
      try {
        return seeOther(reply, await act(world, fields, req));
      } catch (e) {
        if (e instanceof FormProblem) return showSandbox(current, req, reply, world, 400, { failed, problems: e.problems, values: valuesOf(fields) });
        if (e instanceof ActionRefused) return showSandbox(current, req, reply, world, e.status, { error: e.message });
        if (e instanceof SandboxesUnsupportedError) return showSandbox(current, req, reply, world, 501, { error: UNSUPPORTED });
        throw e;
      }
    });
  const pageOf = (world: World, query: string) => `/portal/sandboxes/${world.id}?${query}`;

  app.get('/portal/sandboxes', operatorPage(async (current, req, reply) =>
    showList(current, reply, 200, { notice: sandboxNotice(req.query as Record<string, string | undefined>) })));

  app.post('/portal/sandboxes', operatorPost(async (current, fields, _req, reply) => {
    try {
      const made = await worlds.create(readSeedForm(fields), clock.now());
      return seeOther(reply, `/portal/sandboxes/${made.id}?done=created`);
    } catch (e) {
      if (e instanceof FormProblem) return showList(current, reply, 400, { failed: 'The sandbox was not created', problems: e.problems, values: valuesOf(fields) });
      if (e instanceof SandboxesUnsupportedError) return showList(current, reply, 501, { error: UNSUPPORTED });
      throw e;
    }
  }));

  app.get('/portal/sandboxes/:id', operatorPage(async (current, req, reply) => {
    const { id, world } = await worldOf(req);
    if (!world) return noSuchSandbox(reply, id);
    return showSandbox(current, req, reply, world, 200, { notice: sandboxNotice(req.query as Record<string, string | undefined>) });
  }));

  app.get('/portal/sandboxes/:id/credentials.json', operatorPage(async (current, req, reply) => {
    const { id, world } = await worldOf(req);
    if (!world) return noSuchSandbox(reply, id);
    const credentials = await worlds.credentialsOf(world);
    if (!credentials) return showSandbox(current, req, reply, world, 404, { error: 'This world has no credentials document to download.' });
    return reply
      .code(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${world.id}-credentials.json"`)
      .header('cache-control', 'no-store')
      .send(`${JSON.stringify(servedCredentials(req, services, credentials, adminToken), null, 2)}\n`);
  }));

  app.post('/portal/sandboxes/:id/clock', worldAction('The clock was not moved', async (world, fields) => {
    const { move, field } = readClockForm(fields);
    await onField(field, () => worlds.moveClock(world, move));
    return pageOf(world, 'done=clock');
  }));

  app.post('/portal/sandboxes/:id/faults', worldAction('The fault was not added', async (world, fields) => {
    const spec = readFaultForm(fields);
    // The sandbox's time as stored: this request did not come through the world's routing, which sets its clock.
    const fault = await world.shared.controls.addFault(newFault(spec, await worlds.timeOf(world)));
    return pageOf(world, `done=fault-added&fault=${fault.id}`);
  }));

  app.post('/portal/sandboxes/:id/faults/:fault/remove', worldAction('The fault was not removed', async (world, _fields, req) => {
    const { fault } = req.params as { fault: string };
    if (!FAULT_ID_PATTERN.test(fault) || !(await world.shared.controls.removeFault(fault))) {
      throw new ActionRefused(404, `There is no fault ${fault.slice(0, 16)} here any more: it was removed, used up, or cleared by a reset.`);
    }
    return pageOf(world, `done=fault-removed&fault=${fault}`);
  }));

  app.post('/portal/sandboxes/:id/faults/remove-all', worldAction('The faults were not removed', async (world) =>
    pageOf(world, `done=faults-cleared&count=${await world.shared.controls.clearFaults()}`)));

  app.post('/portal/sandboxes/:id/snapshots', worldAction('The snapshot was not taken', async (world, fields) => {
    const name = readSnapshotForm(fields);
    await worlds.snapshot(world, name);
    return pageOf(world, `done=snapshot&name=${name}`);
  }));

  app.post('/portal/sandboxes/:id/snapshots/:name/restore', worldAction('The snapshot was not restored', async (world, _fields, req) => {
    const { name } = req.params as { name: string };
    if (!USER_SNAPSHOT_NAME.test(name) || !(await worlds.restore(world, name))) {
      throw new ActionRefused(404, `There is no snapshot ${name.slice(0, 40)} of this world.`);
    }
    return pageOf(world, `done=restored&name=${name}`);
  }));

  app.post('/portal/sandboxes/:id/reset', worldAction('The world was not reset', async (world, fields) => {
    // The default world holds everyone's Projects, Apps and developer accounts: resetting it asks to be sure.
    if (world.id === DEFAULT_SANDBOX && fields.get('confirm') !== 'yes') {
      throw new FormProblem({ confirm: 'Tick the box to reset the default world: everything made since its seed is lost.' });
    }
    if (!(await worlds.reset(world))) {
      throw new ActionRefused(409, `${world.id === DEFAULT_SANDBOX ? 'The default world' : `Sandbox ${world.id}`} has no seed to go back to: only sandboxes made here, and a default world seeded with the demo by likes-api serve, have one.`);
    }
    return pageOf(world, 'done=reset');
  }));

  app.get('/portal/sandboxes/:id/delete', operatorPage(async (current, req, reply) => {
    const { id, world } = await worldOf(req);
    if (!world) return noSuchSandbox(reply, id);
    if (world.id === DEFAULT_SANDBOX) return seeOther(reply, `/portal/sandboxes/${DEFAULT_SANDBOX}`);
    return show(reply, 200, portalDeleteSandboxPage(current.session.csrf, world.id));
  }));

  app.post('/portal/sandboxes/:id/delete', worldAction('The sandbox was not deleted', async (world) => {
    if (world.id === DEFAULT_SANDBOX) throw new ActionRefused(409, 'The default world is the store itself: it cannot be deleted.');
    // Deleted meanwhile (another tab, the control API): gone either way.
    await worlds.delete(world.id);
    return `/portal/sandboxes?done=deleted&sandbox=${world.id}`;
  }));

  // A form's address opened again (a reload after a refusal, a restored tab): the world's page.
  for (const action of ['clock', 'faults', 'faults/:fault/remove', 'faults/remove-all', 'snapshots', 'snapshots/:name/restore', 'reset']) {
    app.get(`/portal/sandboxes/:id/${action}`, async (req, reply) => {
      const id = String((req.params as { id?: string }).id ?? '');
      return seeOther(reply, id === DEFAULT_SANDBOX || SANDBOX_ID.test(id) ? `/portal/sandboxes/${id}` : '/portal/sandboxes');
    });
  }
};

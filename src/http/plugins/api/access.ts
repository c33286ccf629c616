// May they: the app's Project is loaded and the endpoint authorized for it (suspension, enrolment, access level),
// then the answer names the access level the credentials carry.
import type { FastifyInstance } from 'fastify';
import { authorize, type EndpointId } from '../../../domain/access.ts';
import type { Policy, ProjectRecord } from '../../../domain/model.ts';
import type { Principal } from '../../../domain/principal.ts';
import { thenSettle } from '../../../settling.ts';
import { settlingHook } from '../hook.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API request's Project, once authorized (authorization refuses a request without one). */
    project: ProjectRecord | null;
    /** What the Project and app may do, once authorized. */
    policy: Policy | null;
  }
}

export function decorateAccess(app: FastifyInstance): void {
  app.decorateRequest('project', null);
  app.decorateRequest('policy', null);
}

function accessLevel(p: Principal): string {
  if (p.kind === 'oauth1') return p.permission;
  if (p.kind === 'oauth2-user') return p.scopes.has('like.write') ? 'read-write' : 'read';
  return 'read';
}

/** The preHandler that authorizes `endpoint`; a refusal (403) comes before x-access-level is set. */
export function authorization(endpoint: EndpointId) {
  return settlingHook((req, reply) => {
    const { memo, store } = req.world;
    const principal = req.principal!;
    const credentials = req.versions?.credentials ?? null;
    const projectId = principal.app.projectId;
    const project = projectId ? memo.get(credentials, `project:${projectId}`, () => store.projectById(projectId)) : null;
    return thenSettle(project, (p) => {
      req.policy = authorize(principal, p, endpoint);
      req.project = p;
      reply.header('x-access-level', accessLevel(principal));
    });
  });
}

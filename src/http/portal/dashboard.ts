// The dashboard as the HTTP layer shows it: read through the domain (the developer's Projects, each one's cap use).
import type { FastifyReply } from 'fastify';
import { dashboardOf } from '../../domain/portal/dashboard.ts';
import type { CurrentSession } from '../../domain/portal/portalSessions.ts';
import { capUseOf, type CapUse } from '../../domain/portal/usage.ts';
import type { PortalKit } from './portalKit.ts';
import { portalDashboardPage, type DashboardOptions } from './pages/dashboard.ts';

/** The dashboard of the session: its developer's Projects (none for the operator alone). */
export async function showDashboard(kit: PortalKit, current: CurrentSession, reply: FastifyReply, status: number, options: DashboardOptions = {}) {
  const { services, clock } = kit;
  const projects = current.developer ? await dashboardOf(services.store, current.developer) : [];
  const now = clock.now();
  const capUse = new Map<string, CapUse>(
    await Promise.all(projects.map(async ({ project }) => [project.id, await capUseOf(services.usage, project, now)] as const)),
  );
  const page = portalDashboardPage(current.developer?.username ?? null, current.session.csrf, projects, { ...options, capUse, operator: current.session.operator });
  return kit.show(reply, status, page);
}


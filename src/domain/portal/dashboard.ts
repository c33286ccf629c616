// What the portal's dashboard shows a developer: their own Projects (never another developer's) and each one's
// Apps, read through the credential store.
import type { AppPermission, AppType, DeveloperRecord, ProjectRecord } from '../model.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';

export interface DashboardApp {
  id: string;
  name: string;
  type: AppType;
  permission: AppPermission;
  suspended: boolean;
}

export interface DashboardProject {
  project: ProjectRecord;
  apps: DashboardApp[];
}

export async function dashboardOf(
  store: Pick<CredentialStore, 'projectsOfDeveloper' | 'listApps'>,
  developer: DeveloperRecord,
): Promise<DashboardProject[]> {
  const projects = await store.projectsOfDeveloper(developer.id);
  if (projects.length === 0) return [];
  const apps = await store.listApps();
  return projects.map((project) => ({
    project,
    apps: apps
      .filter((a) => a.projectId === project.id)
      .map((a) => ({ id: a.id, name: a.name, type: a.appType, permission: a.permission, suspended: a.suspended })),
  }));
}

// What the portal's dashboard shows a developer: their own Projects (never another developer's), each one's use
// case and Apps, read through the credential store and the Project settings.
import type { AppPermission, AppType, DeveloperRecord, ProjectRecord } from '../model.ts';
import type { CredentialStore } from '../../ports/credentialStore.ts';
import type { ProjectSettings } from '../../ports/settingsStore.ts';

export interface DashboardApp {
  id: string;
  name: string;
  type: AppType;
  permission: AppPermission;
  suspended: boolean;
}

export interface DashboardProject {
  project: ProjectRecord;
  /** What the Project is for (X asks when creating one), or null when it was not stated. */
  useCase: string | null;
  apps: DashboardApp[];
}

export async function dashboardOf(
  store: Pick<CredentialStore, 'projectsOfDeveloper' | 'listApps'> & Pick<ProjectSettings, 'projectUseCase'>,
  developer: DeveloperRecord,
): Promise<DashboardProject[]> {
  const projects = await store.projectsOfDeveloper(developer.id);
  if (projects.length === 0) return [];
  const [apps, useCases] = await Promise.all([store.listApps(), Promise.all(projects.map((p) => store.projectUseCase(p.id)))]);
  return projects.map((project, i) => ({
    project,
    useCase: useCases[i],
    apps: apps
      .filter((a) => a.projectId === project.id)
      .map((a) => ({ id: a.id, name: a.name, type: a.appType, permission: a.permission, suspended: a.suspended })),
  }));
}

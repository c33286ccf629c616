import type { UsageMeter } from '../../ports/usageMeter.ts';

/** Daily counters are kept this many days (the Redis adapter expires its daily keys alike). */
export const USAGE_DAY_RETENTION_DAYS = 100;
/** Billing-period totals are kept this many days after the period started. */
export const USAGE_PERIOD_RETENTION_DAYS = 400;

const DAY_MS = 86_400_000;

interface DayUsage {
  total: number;
  apps: Map<string, number>;
}

interface ProjectUsage {
  periods: Map<string, number>;
  days: Map<string, DayUsage>;
  apps: Set<string>;
  /** Latest day written, as epoch ms: retention is measured from it (the port carries no clock). */
  latestDayMs: number;
}

/** Epoch ms of a YYYY-MM-DD date, or NaN. */
function dayMs(day: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
}

/** Tweet-cap usage of one process. Old days and periods are dropped as newer days are written. */
export class MemoryUsageMeter implements UsageMeter {
  private readonly projects = new Map<string, ProjectUsage>();

  add(projectId: string, appId: string, day: string, period: string, count: number): void {
    if (count === 0) return;
    let project = this.projects.get(projectId);
    if (!project) {
      project = { periods: new Map(), days: new Map(), apps: new Set(), latestDayMs: Number.NEGATIVE_INFINITY };
      this.projects.set(projectId, project);
    }
    project.periods.set(period, (project.periods.get(period) ?? 0) + count);
    let usage = project.days.get(day);
    if (!usage) {
      usage = { total: 0, apps: new Map() };
      project.days.set(day, usage);
      const ms = dayMs(day);
      if (ms > project.latestDayMs) {
        project.latestDayMs = ms;
        this.prune(project);
      }
    }
    usage.total += count;
    usage.apps.set(appId, (usage.apps.get(appId) ?? 0) + count);
    project.apps.add(appId);
  }

  periodTotal(projectId: string, period: string): number {
    return this.projects.get(projectId)?.periods.get(period) ?? 0;
  }

  async projectDaily(projectId: string, days: readonly string[]): Promise<number[]> {
    const project = this.projects.get(projectId);
    return days.map((day) => project?.days.get(day)?.total ?? 0);
  }

  async appDaily(projectId: string, appId: string, days: readonly string[]): Promise<number[]> {
    const project = this.projects.get(projectId);
    return days.map((day) => project?.days.get(day)?.apps.get(appId) ?? 0);
  }

  async appsOf(projectId: string): Promise<string[]> {
    return [...(this.projects.get(projectId)?.apps ?? [])].sort();
  }

  async close(): Promise<void> {
    this.projects.clear();
  }

  private prune(project: ProjectUsage): void {
    const dayCutoff = project.latestDayMs - USAGE_DAY_RETENTION_DAYS * DAY_MS;
    for (const day of project.days.keys()) {
      if (dayMs(day) < dayCutoff) project.days.delete(day);
    }
    const periodCutoff = project.latestDayMs - USAGE_PERIOD_RETENTION_DAYS * DAY_MS;
    for (const period of project.periods.keys()) {
      if (dayMs(period) < periodCutoff) project.periods.delete(period);
    }
  }
}

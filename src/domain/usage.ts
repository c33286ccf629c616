// The monthly Tweet cap of a Project: Tweets returned by liked_tweets count against it, and it resets on
// the Project's billing day.
import type { ProjectRecord } from './model.ts';
import type { UsageMeter } from '../ports/usageMeter.ts';
import { usageCapped, type ApiProblem } from './problems.ts';
import { thenSettle, type Settling } from '../settling.ts';

/** The usage.fields of GET /2/usage/tweets. */
export const USAGE_FIELDS = [
  'cap_reset_day', 'daily_client_app_usage', 'daily_project_usage', 'project_cap', 'project_id', 'project_usage',
] as const;

/**
 * GET /2/usage/tweets: each field present when asked for (cap_reset_day, project_* also when none is asked for).
 * A type alias rather than an interface, so that it is assignable to the JSON body type.
 */
export type UsageReport = {
  data: {
    cap_reset_day?: number;
    project_cap?: string;
    project_id?: string;
    project_usage?: string;
    daily_project_usage?: { project_id: string; usage: { date: string; usage: string }[] };
    daily_client_app_usage?: { client_app_id: string; usage: { date: string; usage: string }[]; usage_result_count: number }[];
  };
};

/** The product X's usage-capped document names for the Likes endpoints' Tweet cap. */
export const CAPPED_PRODUCT = 'standard-basic';

const DAY = 24 * 60 * 60 * 1000;

/** The UTC day of `ms` as YYYY-MM-DD; every request asks for today's, so the last answer is kept. */
let lastDay = Number.NaN;
let lastDayText = '';
function dayOf(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== lastDay) {
    lastDayText = new Date(day * DAY).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDayText;
}

/** periodStart's first day as YYYY-MM-DD, kept for the last day and reset day asked (nearly every request's). */
let lastPeriod = { day: Number.NaN, capResetDay: Number.NaN, text: '' };
function periodDay(capResetDay: number, now: number): string {
  const day = Math.floor(now / DAY);
  if (day !== lastPeriod.day || capResetDay !== lastPeriod.capResetDay) {
    lastPeriod = { day, capResetDay, text: new Date(periodStart(capResetDay, now).getTime()).toISOString().slice(0, 10) };
  }
  return lastPeriod.text;
}

/** The first day (UTC) of the billing period containing `now`. */
export function periodStart(capResetDay: number, now: number): Date {
  const d = new Date(now);
  let y = d.getUTCFullYear();
  let m = d.getUTCMonth();
  if (d.getUTCDate() < capResetDay) {
    m -= 1;
    if (m < 0) {
      m = 11;
      y -= 1;
    }
  }
  return new Date(Date.UTC(y, m, capResetDay));
}

export class UsageService {
  constructor(private readonly meter: UsageMeter, private readonly enabled: boolean) {}

  /** X's usage-capped 429 once the Project has read its monthly cap, else null (returned, so the edge can name it). */
  capRefusal(project: ProjectRecord, now: number): Settling<ApiProblem | null> {
    if (!this.enabled) return null;
    const used = this.meter.periodTotal(project.id, periodDay(project.capResetDay, now));
    return thenSettle(used, (n) => (n >= project.monthlyTweetCap ? usageCapped(project.id, CAPPED_PRODUCT) : null));
  }

  record(project: ProjectRecord, appId: string, tweets: number, now: number): Settling<void> {
    if (tweets <= 0) return;
    return this.meter.add(project.id, appId, dayOf(now), periodDay(project.capResetDay, now), tweets);
  }

  /** GET /2/usage/tweets, shaped as X's documentation shows it (counts as strings). */
  async report(project: ProjectRecord, days: number, fields: ReadonlySet<string>, now: number): Promise<UsageReport> {
    const start = periodStart(project.capResetDay, now);
    const used = await this.meter.periodTotal(project.id, dayOf(start.getTime()));
    const dayList = Array.from({ length: days }, (_, i) => dayOf(now - (days - 1 - i) * DAY));
    const nextReset = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, project.capResetDay));
    const all = fields.size === 0;
    const data: UsageReport['data'] = {};
    if (all || fields.has('cap_reset_day')) data.cap_reset_day = Math.max(0, Math.ceil((nextReset.getTime() - now) / DAY));
    if (fields.has('daily_client_app_usage')) {
      const apps = await this.meter.appsOf(project.id);
      const out = [];
      for (const appId of apps) {
        const counts = await this.meter.appDaily(project.id, appId, dayList);
        out.push({
          client_app_id: appId,
          usage: dayList.map((d, i) => ({ date: `${d}T00:00:00.000Z`, usage: String(counts[i]) })),
          usage_result_count: days,
        });
      }
      if (out.length) data.daily_client_app_usage = out;
    }
    if (fields.has('daily_project_usage')) {
      const counts = await this.meter.projectDaily(project.id, dayList);
      data.daily_project_usage = {
        project_id: project.id,
        usage: dayList.map((d, i) => ({ date: `${d}T00:00:00.000Z`, usage: String(counts[i]) })),
      };
    }
    if (all || fields.has('project_cap')) data.project_cap = String(project.monthlyTweetCap);
    if (all || fields.has('project_id')) data.project_id = project.id;
    if (all || fields.has('project_usage')) data.project_usage = String(used);
    return { data };
  }
}

// POST /2/webhooks/replay (docs/reference/x-events.md §1.11): the events of a past window (minute granularity, both
// ends inclusive, within the last 24 hours) posted again to a webhook, each with X's `"meta":{"replay":true}`, then
// a `replay_job_status` event. One job per webhook at a time, across instances (a leased cursor names the job).
import type { Logger } from '../../ports/logger.ts';
import type { SnowflakeIds } from '../ids.ts';
import type { AppRecord, Policy } from '../model.ts';
import { deliver, postSigned, type DispatcherDeps } from './dispatcher.ts';
import { eventFailure } from './eventProblems.ts';
import { isoTime } from '../isoTime.ts';
import { parseMinute } from './eventTimes.ts';
import { postsFor, recordsFor, subscriptionsByWebhook } from './feeds.ts';
import type { DeliveryRecord, WebhookRecord } from './records.ts';
import type { WebhookService } from './webhooks.ts';

type Json = Record<string, unknown>;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** A job holds its webhook's replay lease this long at most (renewed as it goes). */
const JOB_LEASE_MS = 60_000;
const BATCH = 100;

export const replayCursorName = (webhookId: string): string => `replay:${webhookId}`;

/** The window [from, to] in epoch ms, or X's QueryParamInvalid. */
export function replayWindow(fromDate: string, toDate: string, now: number, policy: Pick<Policy, 'replayWindow'>): { from: number; to: number } {
  const from = parseMinute(fromDate);
  const to = parseMinute(toDate);
  const invalid = (why: string) => eventFailure('QueryParamInvalid', why);
  if (from === null || to === null) throw invalid('from_date or to_date is not in the correct format');
  const thisMinute = Math.floor(now / MINUTE) * MINUTE;
  if (from > thisMinute) throw invalid('from_date is in the future');
  if (to > thisMinute) throw invalid('to_date is in the future');
  if (from > to) throw invalid('from_date is more recent than to_date');
  if (from < now - DAY) throw invalid('from_date is older than 24 hours from the current time');
  if (policy.replayWindow === 'x') {
    if (from > now - 31 * MINUTE) throw invalid('from_date must be no more recent than 31 minutes before the current time');
    if (to > now - 10 * MINUTE) throw invalid('to_date must be no more recent than 10 minutes before the current time');
  }
  return { from, to: to + MINUTE - 1 };
}

export class WebhookReplays {
  constructor(
    private readonly deps: Pick<DispatcherDeps, 'store' | 'transport' | 'secretsOf' | 'clock' | 'realClock' | 'delivered'>,
    private readonly webhooks: WebhookService,
    private readonly ids: SnowflakeIds,
    private readonly log: Logger,
  ) {}

  /** Starts a job and answers at once (X: 200 with the job's id); the job runs in the background. */
  async start(app: AppRecord, policy: Policy, webhookId: string, fromDate: string, toDate: string): Promise<Json> {
    const now = this.deps.clock.now();
    const window = replayWindow(fromDate, toDate, now, policy);
    const webhook = await this.webhooks.own(app, webhookId);
    // X lists CrcValidationFailed among replay's failures: an invalid webhook is re-validated (PUT) first.
    if (!webhook.validity.valid) {
      throw eventFailure('CrcValidationFailed', 'The webhook is not valid: re-validate it with PUT /2/webhooks/{webhook_id} first');
    }
    const jobId = this.ids.next();
    const real = this.deps.realClock.now();
    const lease = await this.deps.store.events.leaseCursor(replayCursorName(webhookId), jobId, real, real + JOB_LEASE_MS, null);
    if (!lease) throw eventFailure('ReplayConflictError', 'A replay job is already in progress for the specified webhook');
    const job: Promise<void> = this.run(jobId, app, webhook, window)
      .catch((err) => this.log.warn({ err, jobId }, 'events: replay job failed'))
      .finally(() => this.jobs.delete(job));
    this.jobs.add(job);
    return { data: { job_id: jobId, created_at: isoTime(now) } };
  }

  private readonly jobs = new Set<Promise<void>>();

  /** Resolves when every job this process started has ended (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.jobs.size > 0) await Promise.allSettled([...this.jobs]);
  }

  private async run(jobId: string, app: AppRecord, webhook: WebhookRecord, window: { from: number; to: number }): Promise<void> {
    const { events } = this.deps.store;
    const name = replayCursorName(webhook.id);
    let state: 'Complete' | 'Incomplete' = 'Complete';
    try {
      const subscriptions = (await subscriptionsByWebhook(events)).get(webhook.id) ?? [];
      let position: string | null = null;
      for (;;) {
        const batch = await events.eventsBetween(window.from, window.to, position, BATCH);
        if (batch.length === 0) break;
        const records = await recordsFor(this.deps.store, batch);
        const log: DeliveryRecord[] = [];
        for (const event of batch) {
          for (const post of postsFor(event, subscriptions, records)) {
            const { ok, record } = await deliver(this.deps, webhook, app, post, { kind: 'replay', attempt: 1 });
            log.push(record);
            if (!ok) state = 'Incomplete';
          }
        }
        await events.logDeliveries(log);
        position = batch[batch.length - 1].position;
        const real = this.deps.realClock.now();
        await events.leaseCursor(name, jobId, real, real + JOB_LEASE_MS, null);
        if (batch.length < BATCH) break;
      }
    } catch (err) {
      state = 'Incomplete';
      this.log.warn({ err, jobId }, 'events: replay job failed');
    } finally {
      await this.finish(jobId, app, webhook, state);
      await events.releaseCursor(name, jobId);
    }
  }

  /** X's `replay_job_status` event, the job's last word. */
  private async finish(jobId: string, app: AppRecord, webhook: WebhookRecord, state: 'Complete' | 'Incomplete'): Promise<void> {
    const body = JSON.stringify({
      replay_job_status: {
        webhook_id: webhook.id,
        job_state: state,
        job_state_description: state === 'Complete' ? 'Job completed successfully' : 'Job failed to deliver all events, please retry your replay job',
        job_id: jobId,
      },
    });
    await postSigned(this.deps, webhook, app, body);
  }
}

// Webhooks as X keeps them (docs/reference/x-events.md §1): registered only after the URL answers a
// Challenge-Response Check, valid or invalid by X's CRC rules, re-checked on PUT, one delivery cursor each.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../ports/clock.ts';
import type { EventStore } from '../../ports/eventStore.ts';
import type { WebhookTransport } from '../../ports/webhookTransport.ts';
import type { SnowflakeIds } from '../ids.ts';
import type { AppRecord, Policy } from '../model.ts';
import { eventFailure } from './eventProblems.ts';
import { EVENT_LIMITS } from './eventLimits.ts';
import { EventSignal } from './eventSignal.ts';
import { isoTime } from '../isoTime.ts';
import { webhookCursorName, type WebhookRecord } from './records.ts';
import { acceptedCrcTokens, type WebhookSecrets } from './webhookCrypto.ts';
import { checkWebhookUrl, crcRequestUrl } from './webhookUrls.ts';
import { afterCrc, CRC_TIMEOUT_MS, judgeCrc, validatedAt, type CrcJudgement, type CrcOutcome } from './webhookValidity.ts';

type Json = Record<string, unknown>;

/** The secrets an App signs its webhook traffic with (its consumer secret, unsealed). */
export type SecretsOf = (app: AppRecord) => WebhookSecrets;

export function webhookJson(w: WebhookRecord): Json {
  return { id: w.id, url: w.url, valid: w.validity.valid, created_at: isoTime(w.createdAt) };
}

export class WebhookService {
  /** Pulsed when this process registers or deletes a webhook: a dispatcher with none waits for this, not for likes. */
  readonly changed = new EventSignal();

  constructor(
    private readonly events: EventStore,
    private readonly transport: WebhookTransport,
    private readonly secretsOf: SecretsOf,
    private readonly ids: SnowflakeIds,
    private readonly clock: Clock,
  ) {}

  /** POST /2/webhooks: the URL is checked, then must pass a CRC; the webhook's cursor starts at the outbox's head. */
  async register(app: AppRecord, policy: Policy, url: string): Promise<Json> {
    const check = checkWebhookUrl(url, policy.webhookUrls);
    if (!check.ok) throw eventFailure('UrlValidationFailed', check.reason);
    url = check.url; // kept and compared in checkWebhookUrl's normalized form: HTTP://H/p is the webhook http://h/p
    const mine = await this.events.webhooksOfApp(app.id);
    if (mine.some((w) => w.url === url)) throw eventFailure('DuplicateUrlFailed', 'A webhook is already registered by your application for this URL');
    if (mine.length >= EVENT_LIMITS[policy.rateLimitTier].webhooksPerApp) {
      throw eventFailure('WebhookLimitExceeded', 'Your application has reached the maximum number of allowed webhooks');
    }
    const judgement = await this.crc(app, url);
    if (judgement.verdict !== 'valid') throw eventFailure('CrcValidationFailed', judgement.reason);
    const now = this.clock.now();
    const webhook: WebhookRecord = { id: this.ids.next(), appId: app.id, url, createdAt: now, validity: validatedAt(now) };
    // Events from now on: the cursor is made before the webhook is visible, at the head of the outbox, unleased.
    await this.events.leaseCursor(webhookCursorName(webhook.id), 'registration', 0, 0, await this.events.headPosition());
    await this.events.putWebhook(webhook);
    this.changed.pulse();
    return { data: webhookJson(webhook) };
  }

  async list(app: AppRecord): Promise<Json> {
    const mine = await this.events.webhooksOfApp(app.id);
    return { data: mine.map(webhookJson), meta: { result_count: mine.length } };
  }

  /** The App's own webhook, or X's WebhookIdInvalid. */
  async own(app: AppRecord, id: string): Promise<WebhookRecord> {
    const webhook = await this.events.webhookById(id);
    if (!webhook || webhook.appId !== app.id) {
      throw eventFailure('WebhookIdInvalid', 'The provided webhook_id was not found or is not associated with your app');
    }
    return webhook;
  }

  async delete(app: AppRecord, id: string): Promise<Json> {
    await this.own(app, id);
    await this.events.deleteWebhook(id);
    this.changed.pulse();
    return { data: { deleted: true } };
  }

  /** PUT /2/webhooks/{id}: a CRC now; a pass makes the webhook valid again, a failure is X's CrcValidationFailed. */
  async validate(app: AppRecord, id: string): Promise<Json> {
    const webhook = await this.own(app, id);
    const judgement = await this.crc(app, webhook.url);
    const validity = afterCrc(webhook.validity, judgement, this.clock.now());
    await this.events.putWebhook({ ...webhook, validity });
    if (judgement.verdict !== 'valid') throw eventFailure('CrcValidationFailed', judgement.reason);
    return { data: { valid: true } };
  }

  /** The periodic CRC (the dispatcher runs it when crcDue says so): the webhook's new standing is stored. */
  async recheck(app: AppRecord, webhook: WebhookRecord): Promise<WebhookRecord> {
    const judgement = await this.crc(app, webhook.url);
    const updated = { ...webhook, validity: afterCrc(webhook.validity, judgement, this.clock.now()) };
    await this.events.putWebhook(updated);
    return updated;
  }

  /** One Challenge-Response Check: `GET <url>?crc_token=…`, judged by X's rules. */
  async crc(app: AppRecord, url: string): Promise<CrcJudgement> {
    const token = randomBytes(24).toString('base64url');
    const result = await this.transport.send({ method: 'GET', url: crcRequestUrl(url, token), headers: {}, timeoutMs: CRC_TIMEOUT_MS });
    const outcome: CrcOutcome = 'status' in result
      ? { kind: 'answered', status: result.status, body: result.body }
      : /no answer within/.test(result.error)
        ? { kind: 'timeout' }
        : /certificate|SSL|TLS/i.test(result.error)
          ? { kind: 'tls-error', detail: result.error }
          : { kind: 'network-error', detail: result.error };
    return judgeCrc(outcome, acceptedCrcTokens(token, this.secretsOf(app)));
  }
}

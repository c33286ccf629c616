// The Prometheus instruments of one service instance, on a registry of its own (several servers may share a
// process, as tests do). Recorded at the HTTP edge and at the port boundary of the store and the shared state.
// Node's default process metrics are the process's, not an instance's: collected once, shown in every scrape.
import { Counter, Gauge, Registry, collectDefaultMetrics, type Metric } from 'prom-client';

export type Outcome = 'ok' | 'error' | 'unavailable';

/** Why a 429 was answered, recorded by the code that refused (see src/http/plugins/metrics.ts). */
export type RefusalKind = 'rate_limit' | 'usage_cap' | 'sign_in' | 'authorize' | 'fault';

// Each collection starts a GC observer and an event-loop-delay monitor that are never stopped: one per process.
let processMetrics: Registry | null = null;
function defaultMetrics(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'likes_api_' });
  }
  return processMetrics;
}

/** What a response cache exposes for scraping. */
export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly bytesUsed: number;
}

// Store and Redis calls take a few hundred microseconds when healthy and up to the timeouts (seconds) when not.
const DEPENDENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One labelled series of a LabelledHistogram: observing is a bucket search and three additions. */
export class HistogramSeries {
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const { bounds } = this;
    // Prometheus buckets are `le`: a value on a bound belongs to it. Past the last bound only +Inf (the count) has it.
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }

  /** The cumulative count of each bound. */
  cumulative(): number[] {
    let acc = 0;
    return Array.from(this.counts, (c) => (acc += c));
  }
}

/**
 * A Prometheus histogram whose series are looked up once and then observed without touching their labels:
 * prom-client's Histogram hashes and validates the label set on every observation, which on the request path (a
 * request and each port call observed) cost as much as the rest of the metrics together. Registered as a metric of
 * its own, it is exposed in exactly prom-client's format (the same lines, in the same order, as its Histogram).
 */
export class LabelledHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series: HistogramSeries[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** A new series (the caller keeps it: asking twice for one label set makes two series). */
  child(labels: Record<string, string>): HistogramSeries {
    const series = new HistogramSeries(labels, this.bounds);
    this.series.push(series);
    return series;
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: unknown[] }> {
    const bucket = `${this.name}_bucket`;
    const values: unknown[] = [];
    for (const s of this.series) {
      const cumulative = s.cumulative();
      this.bounds.forEach((le, i) => values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative[i], metricName: bucket }));
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucket },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class Metrics {
  readonly registry = new Registry();
  readonly contentType = this.registry.contentType;

  // Counted by the duration histogram's series (a request is one observation): read from them at scrape time, so a
  // request touches no prom-client counter (its child hashes the label set on every increment).
  private readonly requests: Counter<'method' | 'route' | 'status'> = new Counter({
    name: 'likes_api_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern (unmatched for unknown routes) and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
    collect: () => {
      this.requests.reset();
      for (const series of this.requestSeries.values()) this.requests.inc(series.labels, series.count);
    },
  });
  private readonly requestSeconds = new LabelledHistogram(
    'likes_api_http_request_duration_seconds',
    'Time from the request arriving to the response being written, by method, route pattern and status',
    HTTP_BUCKETS,
    this.registry,
  );
  private readonly refusals = new Counter({
    name: 'likes_api_refusals_total',
    help: '429 answers by kind: rate_limit (a 15-minute window), usage_cap (the monthly Tweet cap), sign_in (a locked sign-in), authorize (authorization requests from one address)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly dependencySeconds = new LabelledHistogram(
    'likes_api_dependency_duration_seconds',
    'Calls through the store and shared-state ports, by dependency (sqlite, postgres, redis, memory), operation and outcome',
    DEPENDENCY_BUCKETS,
    this.registry,
  );

  private readonly caches: CacheStats[] = [];

  constructor() {
    defaultMetrics();
    const caches = this.caches;
    const total = (field: keyof CacheStats) => caches.reduce((sum, c) => sum + c[field], 0);
    new Counter({
      name: 'likes_api_response_cache_lookups_total',
      help: 'Response cache lookups by result (hit, miss)',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, total('hits'));
        this.inc({ result: 'miss' }, total('misses'));
      },
    });
    new Gauge({
      name: 'likes_api_response_cache_entries',
      help: 'Responses held by the response cache',
      registers: [this.registry],
      collect() {
        this.set(total('size'));
      },
    });
    new Gauge({
      name: 'likes_api_response_cache_bytes',
      help: 'Memory held by the response cache (bodies and keys)',
      registers: [this.registry],
      collect() {
        this.set(total('bytesUsed'));
      },
    });
  }

  // Labelled series are looked up once per label set: hashing labels on every call is most of the cost.
  private readonly requestSeries = new Map<string, HistogramSeries>();
  /** By dependency, operation and outcome: no key is built per call. */
  private readonly dependencyChildren = new Map<string, Map<string, Partial<Record<Outcome, HistogramSeries>>>>();

  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (!series) this.requestSeries.set(key, (series = this.requestSeconds.child({ method, route, status: String(status) })));
    series.observe(seconds);
  }

  refused(kind: RefusalKind): void {
    this.refusals.inc({ kind });
  }

  dependencyCall(dependency: string, operation: string, outcome: Outcome, seconds: number): void {
    let byOperation = this.dependencyChildren.get(dependency);
    if (!byOperation) this.dependencyChildren.set(dependency, (byOperation = new Map()));
    let byOutcome = byOperation.get(operation);
    if (!byOutcome) byOperation.set(operation, (byOutcome = {}));
    (byOutcome[outcome] ??= this.dependencySeconds.child({ dependency, operation, outcome })).observe(seconds);
  }

  /** Exposes a response cache's counters, read at scrape time (summed when several servers share the services). */
  watchCache(stats: CacheStats): void {
    this.caches.push(stats);
  }

  /** This instance's instruments and the process's default metrics. */
  text(): Promise<string> {
    return Registry.merge([defaultMetrics(), this.registry]).metrics();
  }
}

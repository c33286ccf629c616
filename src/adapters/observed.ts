// Watches every call through a port (the store and its event tables, each part of the shared state) that is waited
// for: its duration and outcome go to `record`, and the dependency going down or coming back is logged once per
// change rather than once per call. A call that returns at once (a write-behind port's record) waited on nothing: it
// passes untimed.
import type { Logger } from '../ports/logger.ts';
import { ServiceUnavailableError } from '../ports/unavailable.ts';
import type { Outcome } from '../metrics.ts';

export type CallRecorder = (operation: string, outcome: Outcome, seconds: number) => void;

/** Shared by every port of one dependency, so its outage is reported once whichever port noticed it. */
export class DependencyHealth {
  private down = false;

  constructor(
    readonly dependency: string,
    private readonly log: Logger,
  ) {}

  failed(error: ServiceUnavailableError): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ dependency: this.dependency, err: error }, `${this.dependency} unavailable: requests that need it answer 503`);
  }

  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.warn({ dependency: this.dependency }, `${this.dependency} available again`);
  }
}

// performance.now(): a double, where process.hrtime.bigint() allocates a BigInt at each end of every call.
const elapsed = (from: number): number => (performance.now() - from) / 1e3;

/**
 * `target` with every call timed and its outcome recorded as `prefix` + the method's name. `nested`: properties that
 * hold ports of the same dependency (the store's `events`), watched alike under `prefix` + their name + '.'.
 */
export function observed<T extends object>(target: T, health: DependencyHealth, record: CallRecorder, prefix = '', nested: readonly string[] = []): T {
  // Each method's wrapper, with the function it wraps: a method replaced on the target (a test's spy) is wrapped anew.
  const wrapped = new Map<string, { of: unknown; fn: unknown }>();
  const ports = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof prop !== 'string') return value;
      if (typeof value !== 'function') {
        if (value === null || typeof value !== 'object' || !nested.includes(prop)) return value;
        let port = ports.get(value);
        if (!port) ports.set(value, (port = observed(value, health, record, `${prefix}${prop}.`)));
        return port;
      }
      const known = wrapped.get(prop);
      if (known?.of === value) return known.fn;
      const operation = prefix + prop;
      const fn = function (this: unknown, ...args: unknown[]) {
        const started = performance.now();
        let result: unknown;
        try {
          result = value.apply(obj, args);
        } catch (error) {
          settle(operation, started, error);
          throw error;
        }
        if (!(result instanceof Promise)) return result;
        return result.then(
          (v) => {
            settle(operation, started, undefined);
            return v;
          },
          (error: unknown) => {
            settle(operation, started, error);
            throw error;
          },
        );
      };
      wrapped.set(prop, { of: value, fn });
      return fn;
    },
  });

  function settle(operation: string, started: number, error: unknown): void {
    const outcome: Outcome = error === undefined ? 'ok' : error instanceof ServiceUnavailableError ? 'unavailable' : 'error';
    record(operation, outcome, elapsed(started));
    if (outcome === 'ok') health.answered();
    else if (error instanceof ServiceUnavailableError) health.failed(error);
  }
}

// Metrics: Node's default process metrics are collected once per process (each collection starts a GC observer
// and an event-loop monitor that live as long as the process), and every instance's scrape shows them beside its
// own instruments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Histogram, Registry } from 'prom-client';
import { LabelledHistogram, Metrics } from '../../src/metrics.ts';

describe('Metrics', () => {
  it('collects the default process metrics once, on no instance registry, and shows them in every scrape', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.request('GET', '/2/tweets', 200, 0.01);
    for (const m of [a, b]) {
      assert.equal(m.registry.getSingleMetric('likes_api_process_cpu_seconds_total'), undefined);
      assert.equal(m.registry.getSingleMetric('likes_api_nodejs_eventloop_lag_seconds'), undefined);
    }
    const [textA, textB] = await Promise.all([a.text(), b.text()]);
    for (const text of [textA, textB]) {
      assert.match(text, /^likes_api_process_cpu_seconds_total \S+$/m);
      assert.match(text, /^likes_api_nodejs_eventloop_lag_seconds \S+$/m);
      assert.equal(text.match(/^# TYPE likes_api_process_cpu_seconds_total /gm)?.length, 1);
    }
    // The instruments stay each instance's own.
    assert.match(textA, /^likes_api_http_requests_total\{method="GET",route="\/2\/tweets",status="200"\} 1$/m);
    assert.doesNotMatch(textB, /route="\/2\/tweets"/);
  });

  it("exposes a LabelledHistogram exactly as prom-client's Histogram, empty and with observations on and past the bounds", async () => {
    const bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    const theirs = new Registry();
    const ours = new Registry();
    const help = 'Calls "quoted" \\ and escaped';
    const reference = new Histogram({ name: 'x_duration_seconds', help, labelNames: ['dependency', 'operation', 'outcome'], buckets: bounds, registers: [theirs] });
    const fast = new LabelledHistogram('x_duration_seconds', help, bounds, ours);
    const scrape = (r: Registry) => Registry.merge([r]).metrics();
    assert.equal(await scrape(ours), await scrape(theirs));
    const series = new Map<string, ReturnType<LabelledHistogram['child']>>();
    const values = [0, 0.0005, 0.001, 7, 0.3, 0.00731, 1e-7, 5, 2.6];
    for (let i = 0; i < 600; i++) {
      const labels = { dependency: ['sqlite', 'memory'][i % 2], operation: ['a', 'b"\\\n', 'c'][i % 3], outcome: i % 5 === 0 ? 'error' : 'ok' };
      const value = values[i % values.length];
      reference.observe(labels, value);
      const key = JSON.stringify(labels);
      if (!series.has(key)) series.set(key, fast.child(labels));
      series.get(key)!.observe(value);
    }
    assert.equal(await scrape(ours), await scrape(theirs));
  });
});

// Metrics: Node's default process metrics are collected once per process (each collection starts a GC observer
// and an event-loop monitor that live as long as the process), and every instance's scrape shows them beside its
// own instruments.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../../src/metrics.ts';

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
});

// The webhook URL policies: `x` is X's documented rules, `local` adds loopback receivers on http and any port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkWebhookUrl,
  crcRequestUrl,
  DEFAULT_WEBHOOK_URL_POLICY,
  isPublicHost,
  URL_REFUSALS,
  type WebhookUrlPolicy,
} from '../../src/domain/events/webhookUrls.ts';

const refused = (reason: string) => ({ ok: false, reason, message: `UrlValidationFailed: ${reason}` });

const long = (total: number) => `https://example.com/${'a'.repeat(total - 'https://example.com/'.length)}`;

/** [url, normalized form] accepted by both policies. */
const ACCEPTED_BY_BOTH: Array<[string, string]> = [
  ['https://yourdomain.com/webhooks/twitter', 'https://yourdomain.com/webhooks/twitter'],
  ['https://yourdomain.com/webhooks/twitter/', 'https://yourdomain.com/webhooks/twitter/'],
  ['https://example.com', 'https://example.com/'],
  ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
  ['https://example.com/a/../b', 'https://example.com/b'],
  ['https://hooks.example.com/x?tenant=7&y', 'https://hooks.example.com/x?tenant=7&y'],
  ['https://bücher.de/hook', 'https://xn--bcher-kva.de/hook'],
  ['https://example.com./hook', 'https://example.com./hook'],
  ['https://8.8.8.8/hook', 'https://8.8.8.8/hook'],
  ['https://[2606:4700::1111]/hook', 'https://[2606:4700::1111]/hook'],
  [long(200), long(200)],
];

/** [url, reason] refused by both policies. */
const REFUSED_BY_BOTH: Array<[string, string]> = [
  ['', URL_REFUSALS.length],
  [long(201), URL_REFUSALS.length],
  ['http://example.com/hook', URL_REFUSALS.notHttps],
  ['ftp://example.com/hook', URL_REFUSALS.notHttps],
  ['wss://example.com/hook', URL_REFUSALS.notHttps],
  ['https://mydomain.com:5000/webhook', URL_REFUSALS.port], // X's own example
  ['https://example.com:443/hook', URL_REFUSALS.port],
  ['https://example.com:/hook', URL_REFUSALS.port],
  ['https://[2606:4700::1111]:8443/hook', URL_REFUSALS.port],
  ['https://10.0.0.5/hook', URL_REFUSALS.notPublic],
  ['https://192.168.1.20/hook', URL_REFUSALS.notPublic],
  ['https://172.20.0.1/hook', URL_REFUSALS.notPublic],
  ['https://169.254.169.254/latest', URL_REFUSALS.notPublic],
  ['https://127.0.0.2/hook', URL_REFUSALS.notPublic],
  ['https://[fd00::1]/hook', URL_REFUSALS.notPublic],
  ['https://[fe80::1]/hook', URL_REFUSALS.notPublic],
  ['https://[::ffff:127.0.0.1]/hook', URL_REFUSALS.notPublic],
  ['https://[::ffff:8.8.8.8]/hook', URL_REFUSALS.notPublic],
  ['https://[2001:db8::1]/hook', URL_REFUSALS.notPublic],
  ['https://printer.local/hook', URL_REFUSALS.notPublic],
  ['https://api.internal/hook', URL_REFUSALS.notPublic],
  ['https://app.localhost/hook', URL_REFUSALS.notPublic],
  ['https://intranet/hook', URL_REFUSALS.notPublic],
  ['https://user:pw@example.com/hook', URL_REFUSALS.credentials],
  ['https://user@example.com/hook', URL_REFUSALS.credentials],
  ['https://example.com/hook#frag', URL_REFUSALS.fragment],
  ['https://example.com/hook#', URL_REFUSALS.fragment],
  [' https://example.com/hook', URL_REFUSALS.format],
  ['https://example.com/hook ', URL_REFUSALS.format],
  ['https://example.com/a b', URL_REFUSALS.format],
  ['https://example.com\\hook', URL_REFUSALS.format],
  ['https:example.com/hook', URL_REFUSALS.format],
  ['https:///hook', URL_REFUSALS.format],
  ['//example.com/hook', URL_REFUSALS.format],
  ['example.com/hook', URL_REFUSALS.format],
  ['https://exa mple.com/', URL_REFUSALS.format],
  ['https://[::1/hook', URL_REFUSALS.format],
  ['https://example.com:99999/hook', URL_REFUSALS.format],
];

/** Loopback receivers: accepted by `local` (normalized form given), refused by `x` with the reason given. */
const LOOPBACK: Array<[string, string, string]> = [
  ['http://localhost:3000/webhook', 'http://localhost:3000/webhook', URL_REFUSALS.notHttps],
  ['http://127.0.0.1:8080/hook?x=1', 'http://127.0.0.1:8080/hook?x=1', URL_REFUSALS.notHttps],
  ['http://[::1]:9000/hook', 'http://[::1]:9000/hook', URL_REFUSALS.notHttps],
  ['https://localhost:8443/hook', 'https://localhost:8443/hook', URL_REFUSALS.port],
  ['https://localhost/hook', 'https://localhost/hook', URL_REFUSALS.notPublic],
  ['http://LOCALHOST/hook', 'http://localhost/hook', URL_REFUSALS.notHttps],
  ['https://127.0.0.1/hook', 'https://127.0.0.1/hook', URL_REFUSALS.notPublic],
  ['http://127.1:80/hook', 'http://127.0.0.1/hook', URL_REFUSALS.notHttps],
  ['http://[0:0::1]/hook', 'http://[::1]/hook', URL_REFUSALS.notHttps],
  ['https://2130706433/hook', 'https://127.0.0.1/hook', URL_REFUSALS.notPublic], // 127.0.0.1 written as a number
  ['https://0x7f.1/hook', 'https://127.0.0.1/hook', URL_REFUSALS.notPublic],
];

/** Refused by `local` too: what its loopback exception does not cover. */
const REFUSED_BY_LOCAL: Array<[string, string]> = [
  ['http://192.168.1.20:8080/hook', URL_REFUSALS.notHttps],
  ['https://192.168.1.20/hook', URL_REFUSALS.notPublic],
  ['http://127.0.0.2:8080/hook', URL_REFUSALS.notHttps],
  ['http://app.localhost:3000/hook', URL_REFUSALS.notHttps],
  ['http://user@localhost:3000/hook', URL_REFUSALS.credentials],
  ['http://localhost:3000/hook#x', URL_REFUSALS.fragment],
  ['ftp://localhost/hook', URL_REFUSALS.notHttps],
  ['http://example.com:8080/hook', URL_REFUSALS.notHttps],
];

describe('webhook URL policies', () => {
  it('default to local', () => {
    assert.equal(DEFAULT_WEBHOOK_URL_POLICY, 'local');
    assert.deepEqual(checkWebhookUrl('http://localhost:3000/hook'), { ok: true, url: 'http://localhost:3000/hook' });
  });

  for (const policy of ['x', 'local'] as WebhookUrlPolicy[]) {
    describe(policy, () => {
      it('accepts public https URLs and normalizes them', () => {
        for (const [url, normalized] of ACCEPTED_BY_BOTH) {
          assert.deepEqual(checkWebhookUrl(url, policy), { ok: true, url: normalized }, url);
        }
      });

      it('refuses what X refuses, with X-style messages', () => {
        for (const [url, reason] of REFUSED_BY_BOTH) {
          assert.deepEqual(checkWebhookUrl(url, policy), refused(reason), url);
        }
      });
    });
  }

  it('x refuses loopback receivers', () => {
    for (const [url, , reason] of LOOPBACK) {
      assert.deepEqual(checkWebhookUrl(url, 'x'), refused(reason), url);
    }
  });

  it('local accepts loopback receivers on http or https and any port', () => {
    for (const [url, normalized] of LOOPBACK) {
      assert.deepEqual(checkWebhookUrl(url, 'local'), { ok: true, url: normalized }, url);
    }
  });

  it('local still refuses other private hosts and malformed loopback URLs', () => {
    for (const [url, reason] of REFUSED_BY_LOCAL) {
      assert.deepEqual(checkWebhookUrl(url, 'local'), refused(reason), url);
    }
  });

  it('uses X’s own words where X has them', () => {
    assert.equal(URL_REFUSALS.notHttps, 'Webhook URL must use HTTPS');
    assert.equal(URL_REFUSALS.port, 'The URL cannot include a port');
    assert.equal(URL_REFUSALS.notPublic, 'URL must be reachable from the internet');
  });

  it('counts length in code points, as JSON Schema does', () => {
    const base = 'https://example.com/';
    const emoji = `${base}${'😀'.repeat(200 - base.length)}`;
    assert.equal([...emoji].length, 200);
    // 200 code points are allowed in, but percent-encoded they no longer fit what X keeps.
    assert.deepEqual(checkWebhookUrl(emoji, 'x'), refused(URL_REFUSALS.length));
  });
});

describe('public hosts', () => {
  const table: Array<[string, boolean]> = [
    ['example.com', true],
    ['1.1.1.1', true],
    ['100.63.255.255', true],
    ['100.64.0.1', false],
    ['172.15.255.255', true],
    ['172.32.0.0', true],
    ['172.31.255.255', false],
    ['0.0.0.0', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['198.19.0.1', false],
    ['198.20.0.1', true],
    ['[2a00:1450:4001:82a::200e]', true],
    ['[::]', false],
    ['[::1]', false],
    ['[ff02::1]', false],
    ['[fc00::]', false],
    ['localhost', false],
    ['my.test', false],
    ['foo.home.arpa', false],
    ['example', false],
    ['example.example', false],
  ];
  it('are judged from the host as written', () => {
    for (const [host, expected] of table) assert.equal(isPublicHost(host), expected, host);
  });
});

describe('CRC request URL', () => {
  it('adds crc_token to the query, encoded', () => {
    assert.equal(
      crcRequestUrl('https://your-webhook-url.com/webhook', 'challenge_string'),
      'https://your-webhook-url.com/webhook?crc_token=challenge_string',
    );
    assert.equal(
      crcRequestUrl('https://example.com/hook?tenant=7', 'a+b/c='),
      'https://example.com/hook?tenant=7&crc_token=a%2Bb%2Fc%3D',
    );
    assert.equal(crcRequestUrl('https://example.com/hook?', 't'), 'https://example.com/hook?crc_token=t');
    assert.equal(crcRequestUrl('https://example.com/hook?a=1&', 't'), 'https://example.com/hook?a=1&crc_token=t');
    const url = new URL(crcRequestUrl('https://example.com/hook?tenant=7', '9b4507b3-9040-4669-9ca3-6b94edb50553'));
    assert.equal(url.searchParams.get('crc_token'), '9b4507b3-9040-4669-9ca3-6b94edb50553');
    assert.equal(url.searchParams.get('tenant'), '7');
  });
});

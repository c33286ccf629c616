// Which URLs a webhook may be registered with (docs/reference/x-events.md §1.6). X's rules: HTTPS, no port,
// "Publicly accessible", 1 to 200 characters (OpenAPI); everything else about the URL is left unsaid and is decided
// here. A sandbox also has to reach a receiver on the developer's own machine, hence the `local` policy.

/**
 * `x`: X's rules exactly. `local` (the sandbox default): X's rules, or http/https with any port on 127.0.0.1,
 * [::1] or localhost.
 */
export type WebhookUrlPolicy = 'local' | 'x';
export const WEBHOOK_URL_POLICIES: readonly WebhookUrlPolicy[] = ['local', 'x'];
export const DEFAULT_WEBHOOK_URL_POLICY: WebhookUrlPolicy = 'local';

/** X's failure reason for a refused URL: the prefix of `errors[0].message` in the 400 (`<Reason>: <Details>`). */
export const URL_VALIDATION_FAILED = 'UrlValidationFailed';

/** `CreateWebhooksRequest.url` in X's OpenAPI: minLength 1, maxLength 200. */
export const WEBHOOK_URL_MAX_LENGTH = 200;

export type WebhookUrlCheck =
  | { ok: true; url: string }
  /** `reason`: the details; `message`: the whole `errors[0].message` X's 400 would carry. */
  | { ok: false; reason: string; message: string };

// The first three are X's own words, from the requirement table of its webhooks introduction; X documents no error
// text beyond the reason `UrlValidationFailed` ("e.g., not `https`, invalid format"), so the rest are ours.
export const URL_REFUSALS = {
  notHttps: 'Webhook URL must use HTTPS',
  port: 'The URL cannot include a port',
  notPublic: 'URL must be reachable from the internet',
  length: `Webhook URL must be between 1 and ${WEBHOOK_URL_MAX_LENGTH} characters`,
  format: 'Webhook URL has an invalid format',
  credentials: 'Webhook URL cannot include a username or password',
  fragment: 'Webhook URL cannot include a fragment',
} as const;

function refuse(reason: string): WebhookUrlCheck {
  return { ok: false, reason, message: `${URL_VALIDATION_FAILED}: ${reason}` };
}

/** Hosts the `local` policy lets through on http and any port, as the URL parser writes them. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Whether `url` may be a webhook under `policy`, and the form it is kept (and compared for DuplicateUrlFailed) in:
 * the WHATWG serialization, so `HTTPS://Example.COM` and `https://example.com/` are the same webhook.
 */
export function checkWebhookUrl(url: string, policy: WebhookUrlPolicy = DEFAULT_WEBHOOK_URL_POLICY): WebhookUrlCheck {
  const length = [...url].length; // JSON Schema counts code points
  if (length < 1 || length > WEBHOOK_URL_MAX_LENGTH) return refuse(URL_REFUSALS.length);
  // No silent repair: the parser would strip surrounding spaces and read `\` as `/`.
  if (/[\s\u0000-\u001f\u007f\\]/u.test(url)) return refuse(URL_REFUSALS.format);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1].toLowerCase();
  if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return refuse(URL_REFUSALS.notHttps);
  if (scheme === undefined || !/^https?:\/\/[^/?#]/i.test(url)) return refuse(URL_REFUSALS.format);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(URL_REFUSALS.format);
  }
  if (parsed.username !== '' || parsed.password !== '' || authority(url).includes('@')) {
    return refuse(URL_REFUSALS.credentials);
  }
  // A fragment never reaches the server, so it could only make two registrations of one endpoint look different.
  if (url.includes('#')) return refuse(URL_REFUSALS.fragment);

  const local = policy === 'local' && LOOPBACK_HOSTS.has(parsed.hostname);
  if (!local) {
    if (scheme !== 'https') return refuse(URL_REFUSALS.notHttps);
    // Written ports count, the default one too: the parser drops `:443`, X's rule is about the URL as given.
    if (hasPort(url)) return refuse(URL_REFUSALS.port);
    if (!isPublicHost(parsed.hostname)) return refuse(URL_REFUSALS.notPublic);
  }
  const normalized = parsed.href;
  if (normalized.length > WEBHOOK_URL_MAX_LENGTH) return refuse(URL_REFUSALS.length);
  return { ok: true, url: normalized };
}

/** The URL X's CRC GETs: the webhook URL with `crc_token` added to whatever query it already has. */
export function crcRequestUrl(webhookUrl: string, crcToken: string): string {
  const param = `crc_token=${encodeURIComponent(crcToken)}`;
  if (!webhookUrl.includes('?')) return `${webhookUrl}?${param}`;
  return /[?&]$/.test(webhookUrl) ? webhookUrl + param : `${webhookUrl}&${param}`;
}

/** `user@host:port` as written after `scheme://`. */
function authority(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, '').split(/[/?#]/, 1)[0];
}

function hasPort(url: string): boolean {
  const hostPort = authority(url).replace(/^.*@/, '');
  return hostPort.replace(/^\[[^\]]*\]/, '').includes(':');
}

// Special-use and private-use names (RFC 6761, 6762, 7686, 8375, 9476; ICANN's `.internal`): never on the internet.
const PRIVATE_SUFFIXES = ['localhost', 'local', 'internal', 'test', 'invalid', 'example', 'onion', 'alt', 'home.arpa'];

/**
 * X only says the URL must be "Publicly accessible" and does not say how it checks. Without DNS (the domain is
 * pure) the host is judged as written: IP literals outside public ranges, single-label names and special-use names
 * are refused; any other name is taken to be public.
 */
export function isPublicHost(hostname: string): boolean {
  if (hostname.startsWith('[')) return isPublicIpv6(hostname.slice(1, -1));
  if (/^\d+\.\d+\.\d+\.\d+$/.test(hostname)) return isPublicIpv4(hostname);
  const name = hostname.replace(/\.$/, '');
  if (!name.includes('.')) return false;
  return !PRIVATE_SUFFIXES.some((suffix) => name === suffix || name.endsWith(`.${suffix}`));
}

// IPv4 blocks that are not reachable on the internet (IANA special-purpose registry, RFC 6890 and successors).
const NON_PUBLIC_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // this network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

function v4Number(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function isPublicIpv4(address: string): boolean {
  const n = v4Number(address);
  const within = ([base, bits]: readonly [string, number]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(n / size) === Math.floor(v4Number(base) / size);
  };
  return !NON_PUBLIC_V4.some(within);
}

/** The eight 16-bit words of an IPv6 address as the URL parser writes it (hex, `::` compression, no dotted tail). */
function ipv6Words(address: string): number[] | null {
  const [head, tail, extra] = address.split('::');
  if (extra !== undefined) return null;
  const words = (part: string | undefined) => (part ? part.split(':').map((w) => parseInt(w, 16)) : []);
  const front = words(head);
  const back = words(tail);
  const gap = 8 - front.length - back.length;
  if (tail !== undefined && gap < 1) return null;
  const all = tail === undefined ? front : [...front, ...new Array<number>(gap).fill(0), ...back];
  return all.length === 8 && all.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffff) ? all : null;
}

/**
 * Only global unicast (2000::/3) is public, less documentation (2001:db8::/32). Everything else (loopback,
 * unspecified, IPv4-mapped, unique-local, link-local, multicast) is not.
 */
function isPublicIpv6(address: string): boolean {
  const words = ipv6Words(address);
  if (words === null) return false;
  if ((words[0] & 0xe000) !== 0x2000) return false;
  return !(words[0] === 0x2001 && words[1] === 0x0db8);
}

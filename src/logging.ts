// The process's one structured logger: JSON lines (pino) on stdout, warnings and errors always, requests from
// `info` on. Its serializers are the only way requests, responses and errors reach a line, and none of them
// writes a credential: sensitive query-string values are redacted, headers are never copied, and errors keep
// only their type, message, code and stack (never, e.g., the command arguments ioredis attaches).
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LogLevel } from './config.ts';

export type AppLogger = Pino;

const REDACTED = '[REDACTED]';

/** Query-string names whose values are credentials, one-time codes or passwords. */
const SENSITIVE_NAMES = new Set([
  'oauth_token', 'oauth_verifier', 'oauth_signature', 'oauth_callback', 'code', 'code_verifier', 'refresh_token',
  'token', 'access_token', 'client_secret', 'password', 'crc_token', 'state', 'id_token', 'assertion',
]);
/** Anything named like a secret is treated as one, so a new parameter is redacted before anyone lists it. */
const SENSITIVE_PATTERN = /token|secret|passw|verifier|signature|code|key|session|cookie/i;

function sensitive(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName.replace(/\+/g, ' '));
  } catch {
    /* an undecodable name is judged as sent */
  }
  return SENSITIVE_NAMES.has(name.toLowerCase()) || SENSITIVE_PATTERN.test(name);
}

/** The URL with the value of every sensitive query parameter replaced; the path and other values are kept. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const pairs = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && sensitive(name) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, q)}?${pairs.join('&')}`;
}

interface RequestLike {
  method?: string;
  url?: string;
  raw?: { url?: string };
  routeOptions?: { url?: string };
  ip?: string;
}

function serializeRequest(req: RequestLike) {
  return {
    method: req.method,
    url: redactUrl(req.raw?.url ?? req.url ?? ''),
    route: req.routeOptions?.url,
    remoteAddress: req.ip,
  };
}

function serializeResponse(res: { statusCode?: number }) {
  return { statusCode: res.statusCode };
}

/** type, message, code and stack of an error and its causes; nothing else an error object may carry. */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> | undefined {
  if (err === undefined || err === null) return undefined;
  if (!(err instanceof Error)) return { type: typeof err, message: String(err) };
  const out: Record<string, unknown> = { type: err.name || err.constructor?.name, message: err.message, stack: err.stack };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const dependency = (err as { dependency?: unknown }).dependency;
  if (typeof dependency === 'string') out.dependency = dependency;
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  if (err instanceof AggregateError && depth < 3) out.errors = err.errors.slice(0, 5).map((e) => serializeError(e, depth + 1));
  return out;
}

export function createLogger(level: LogLevel, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { req: serializeRequest, res: serializeResponse, err: serializeError, error: serializeError },
      // A second line of defence for anyone who logs a header object: these never leave the process.
      redact: {
        paths: [
          'headers.authorization', 'headers.cookie', 'headers["set-cookie"]',
          'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}

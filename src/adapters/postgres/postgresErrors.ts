// How PostgreSQL's errors are classified: the service being unreachable or too slow is a 503
// (ServiceUnavailableError), a serialization failure or deadlock is retried, anything else is a bug and propagates.
import { ServiceUnavailableError } from '../../ports/unavailable.ts';

export const DEPENDENCY = 'postgres';

const UNAVAILABLE_CODES = new Set([
  // node / libuv
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN',
  'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  // SQLSTATE: shutdown / recovery / crash, statement_timeout or cancel, lock_timeout, idle-in-tx timeout, too many
  // connections, out of memory/disk
  '57P01', '57P02', '57P03', '57P05', '57014', '55P03', '25P03', '53300', '53100', '53200',
]);
const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'not queryable',
  'timeout expired',
];

/** True for errors that mean "PostgreSQL cannot answer now" rather than "this query is wrong". */
export function isPostgresUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  if (UNAVAILABLE_MESSAGES.some((m) => err.message.includes(m))) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isPostgresUnavailable(e, depth + 1))) return true;
  return isPostgresUnavailable(err.cause, depth + 1);
}

/** `err` as a ServiceUnavailableError (a 503) when it means PostgreSQL cannot answer now; otherwise unchanged. */
export const wrapUnavailable = (err: unknown): unknown =>
  err instanceof ServiceUnavailableError || !isPostgresUnavailable(err) ? err : new ServiceUnavailableError(DEPENDENCY, err);

/** Serialization failure (CockroachDB/YugabyteDB ask clients to retry on it) and deadlock: safe to run again. */
export const isRetryable = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
};
/** Attempts at a statement or transaction that keeps failing with a retryable error. */
export const MAX_ATTEMPTS = 5;

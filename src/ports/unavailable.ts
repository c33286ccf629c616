/**
 * Thrown by an adapter when the service behind it (PostgreSQL, Redis) cannot answer in time.
 * The HTTP edge answers X's 503 for it instead of hanging or failing open.
 */
export class ServiceUnavailableError extends Error {
  constructor(readonly dependency: string, cause?: unknown) {
    super(`${dependency} is unavailable`, { cause });
    this.name = 'ServiceUnavailableError';
  }
}

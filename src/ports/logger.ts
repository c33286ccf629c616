/**
 * Where adapters and wiring report what an operator should see (a dependency going down or coming back). The
 * structured fields come first, then a short message; `err` is the conventional field for an Error. Pino's
 * logger satisfies it; the domain never logs.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
};

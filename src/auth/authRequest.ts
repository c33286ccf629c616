/** The parts of an HTTP request authentication needs, independent of the HTTP framework. */
export interface AuthRequest {
  method: string;
  authorization: string | undefined;
  /** Scheme and host the client reached us by (from the Host and X-Forwarded-Proto headers). */
  scheme: string;
  host: string;
  /** The path exactly as sent, without the query string. */
  rawPath: string;
  /** Query parameters plus form-encoded body parameters, decoded, in order. */
  params: readonly [string, string][];
}

// How long a client may take and how much it may hold before its connection is closed: the one place the Node
// HTTP server under Fastify gets its timeouts and connection caps. Without them (Fastify's defaults) a client
// sending a byte every 30 s keeps a connection, and a request, open forever. The request timeout and the
// connection cap are settings (src/config.ts); the rest follow from them or are fixed here.
// maxRequestsPerSocket stays unlimited: keep-alive reuse is cheap and every request is bounded on its own.
import type { FastifyHttpOptions } from 'fastify';
import type { Server } from 'node:http';

/** Headers must arrive within this (or the request timeout, if shorter): they are at most 16 KiB (Node's maxHeaderSize). */
const HEADERS_TIMEOUT_MS = 10_000;
/**
 * Idle keep-alive connections are closed after this; above the 60 s idle timeout of common load balancers, so
 * the balancer (not us) closes first and never sends on a connection we are closing (Fastify's own default).
 */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/**
 * A connection with no byte in either direction for this long is destroyed: a client that stops reading its
 * response, or a request whose answer never comes. Longer than keep-alive so that idle keep-alive closes cleanly.
 */
const IDLE_SOCKET_TIMEOUT_MS = 120_000;
/** How often Node checks open requests against the timeouts: at most a quarter of the request timeout, and 1 s. */
const MAX_CHECK_INTERVAL_MS = 1_000;
/** Headers per request (Apache's LimitRequestFields); more answers 431, as more than 16 KiB of them does. */
export const MAX_HEADER_COUNT = 100;

export interface ConnectionLimits {
  /** A whole request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** Connections open at once; more are closed on arrival instead of running the process out of descriptors. */
  maxConnections: number;
}

/** The Fastify (and through it Node http.Server) options that enforce the limits. */
export function serverTimeouts(limits: ConnectionLimits): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'http'> {
  const requestTimeout = limits.requestTimeoutMs;
  return {
    requestTimeout,
    connectionTimeout: Math.max(IDLE_SOCKET_TIMEOUT_MS, requestTimeout),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout,
      // Node requires headersTimeout <= requestTimeout.
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
      connectionsCheckingInterval: Math.max(10, Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(requestTimeout / 4))),
    },
  };
}

/** Caps that Node takes on the server object rather than through its constructor. */
export function capServer(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  // One more than allowed, so that too many headers can be seen (Node drops the excess silently).
  server.maxHeadersCount = MAX_HEADER_COUNT + 1;
}

/** Whether a request carried more header fields than allowed. */
export const tooManyHeaders = (rawHeaders: readonly string[]): boolean => rawHeaders.length / 2 > MAX_HEADER_COUNT;

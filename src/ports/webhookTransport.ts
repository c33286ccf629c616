// How events leave the service: one HTTP request to a webhook's URL (a CRC GET or a delivery POST), with a deadline.

export interface OutboundRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** What the receiver answered (its body cut to a few KB), or why there was no answer (refused, timed out, reset). */
export type OutboundResult = { status: number; body: string; latencyMs: number } | { error: string; latencyMs: number };

export interface WebhookTransport {
  send(request: OutboundRequest): Promise<OutboundResult>;
  /** Lets go of kept-alive connections (at shutdown). */
  close(): void;
}

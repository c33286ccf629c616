// One API call with a Bearer token (an App's, a user's OAuth 2.0 one, or the control API's) and a JSON body, read
// back whole: what the events tests need of an HTTP client.

export type Json = Record<string, any>;

export interface JsonAnswer {
  status: number;
  text: string;
  json: Json;
}

export async function bearerCall(baseUrl: string, method: string, path: string, token: string, body?: unknown): Promise<JsonAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? (JSON.parse(text) as Json) : {} };
}

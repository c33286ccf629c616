// App-only Bearer tokens as X serves them: POST /oauth2/token (client_credentials) and
// POST /oauth2/invalidate_token, both with Basic auth of the consumer key and secret.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formDecode, parseFormPairs } from '../../formEncoding.ts';
import type { AppRecord } from '../../domain/model.ts';
import type { Services } from '../../services.ts';
import { parseJsonBody } from '../jsonBody.ts';
import { sendJson } from '../server.ts';

type LegacyError = { code: number; message: string; label?: string };

const legacy = (reply: FastifyReply, status: number, error: LegacyError) => sendJson(reply, status, { errors: [error] });

const UNVERIFIED: LegacyError = { code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' };

/** Parameters from the query, a form body or a JSON body: X's clients use all three. */
function requestParams(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  for (const [k, v] of parseFormPairs(q < 0 ? '' : url.slice(q + 1)) ?? []) out.set(k, v);
  const body = typeof req.body === 'string' ? req.body : '';
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (type.includes('json')) {
    // An unparsable (or over-bounds) body simply carries no parameters.
    const parsed = parseJsonBody(body)?.value;
    if (parsed && typeof parsed === 'object') for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') out.set(k, v);
  } else {
    for (const [k, v] of parseFormPairs(body) ?? []) out.set(k, v);
  }
  return out;
}

/** consumer key and secret from `Authorization: Basic base64(urlenc(key):urlenc(secret))`. */
function basicCredentials(header: string | undefined): [string, string] | null {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const key = formDecode(text.slice(0, colon));
  const secret = formDecode(text.slice(colon + 1));
  return key === null || secret === null ? null : [key, secret];
}

export function bearerTokenRoutes(app: FastifyInstance, services: Services): void {
  const verifyApp = async (req: FastifyRequest): Promise<AppRecord | null> => {
    const creds = basicCredentials(req.headers.authorization);
    if (!creds) return null;
    const found = await services.credentials.verifyConsumer(creds[0], creds[1]);
    return found && !found.suspended ? found : null;
  };

  for (const prefix of ['', '/1.1']) {
    app.post(`${prefix}/oauth2/token`, async (req, reply) => {
      const found = await verifyApp(req);
      if (!found) return legacy(reply, 403, UNVERIFIED);
      const grant = requestParams(req).get('grant_type');
      if (grant === undefined) {
        return legacy(reply, 403, { code: 170, message: 'Missing required parameter: grant_type', label: 'forbidden_missing_parameter' });
      }
      if (grant !== 'client_credentials') {
        return legacy(reply, 403, { code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' });
      }
      const token = (await services.credentials.currentAppBearer(found.id)) ?? (await services.credentials.mintAppBearer(found.id));
      return sendJson(reply, 200, { token_type: 'bearer', access_token: token });
    });

    app.post(`${prefix}/oauth2/invalidate_token`, async (req, reply) => {
      const found = await verifyApp(req);
      if (!found) return legacy(reply, 403, UNVERIFIED);
      const raw = requestParams(req).get('access_token');
      let token = raw ?? '';
      try {
        token = decodeURIComponent(token);
      } catch {
        /* keep the token as sent */
      }
      if (!raw || !(await services.credentials.invalidateAppBearer(found.id, token))) {
        return legacy(reply, 403, { code: 348, message: 'Client application is not permitted to to invalidate this token.' });
      }
      return sendJson(reply, 200, { access_token: raw });
    });
  }
}

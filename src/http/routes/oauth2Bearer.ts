// App-only Bearer tokens as X serves them: POST /oauth2/token (client_credentials) and
// POST /oauth2/invalidate_token, both with Basic auth of the consumer key and secret.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { basicCredentials } from '../../auth/basic.ts';
import type { AppRecord } from '../../domain/model.ts';
import type { V1Error } from '../../domain/problems.ts';
import { sendJson, sendV1Error } from '../reply.ts';
import { tokenParams } from '../request.ts';

const UNVERIFIED: V1Error = { code: 99, message: 'Unable to verify your credentials', label: 'authenticity_token_error' };

// Each request's world (src/http/plugins/worldRouting.ts) holds the App its Basic credentials name.
export const bearerTokenRoutes: FastifyPluginAsync = async (app) => {
  const verifyApp = async (req: FastifyRequest): Promise<AppRecord | null> => {
    const creds = basicCredentials(req.headers.authorization);
    if (!creds) return null;
    const found = await req.world.credentials.verifyConsumer(creds[0], creds[1]);
    return found && !found.suspended ? found : null;
  };

  for (const prefix of ['', '/1.1']) {
    app.post(`${prefix}/oauth2/token`, async (req, reply) => {
      const found = await verifyApp(req);
      const { params, duplicate } = tokenParams(req);
      // A parameter sent twice is refused like credentials that do not verify (see paramMap).
      if (!found || duplicate !== null) return sendV1Error(reply, 403, UNVERIFIED);
      const grant = params.get('grant_type');
      if (grant === undefined) {
        return sendV1Error(reply, 403, { code: 170, message: 'Missing required parameter: grant_type', label: 'forbidden_missing_parameter' });
      }
      if (grant !== 'client_credentials') return sendV1Error(reply, 403, UNVERIFIED);
      const token = (await req.world.credentials.currentAppBearer(found.id)) ?? (await req.world.credentials.mintAppBearer(found.id));
      return sendJson(reply, 200, { token_type: 'bearer', access_token: token });
    });

    app.post(`${prefix}/oauth2/invalidate_token`, async (req, reply) => {
      const found = await verifyApp(req);
      const { params, duplicate } = tokenParams(req);
      if (!found || duplicate !== null) return sendV1Error(reply, 403, UNVERIFIED);
      const raw = params.get('access_token');
      let token = raw ?? '';
      try {
        token = decodeURIComponent(token);
      } catch {
        /* keep the token as sent */
      }
      if (!raw || !(await req.world.credentials.invalidateAppBearer(found.id, token))) {
        return sendV1Error(reply, 403, { code: 348, message: 'Client application is not permitted to to invalidate this token.' });
      }
      return sendJson(reply, 200, { access_token: raw });
    });
  }
};

// A user's likes in and out of X's archive format (data/like.js): POST …/likes/import takes the file as a streamed
// body of any size (the admin plugin hands these routes the raw request stream) and answers the import report;
// GET …/likes/export streams the file back.
import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { exportLikes } from '../../../domain/archive/exportLikes.ts';
import { ImportError, importLikes } from '../../../domain/archive/importLikes.ts';
import { ArchiveFormatError, parseLikeArchive } from '../../../domain/archive/likeArchive.ts';
import { ID_PATTERN } from '../../../domain/ids.ts';
import type { Services } from '../../../services.ts';
import { sendJson } from '../../reply.ts';
import type { World } from '../../../worlds.ts';
import { adminBadRequest, adminNotFound } from './problems.ts';
import { worldOf } from './sandboxes.ts';

type Params = { id: string; user_id: string };

export const likeArchiveRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  // Here (this plugin's context only) a body is not buffered as text, as textBodies.ts does server-wide: the route
  // gets the request stream itself, whatever its type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  /** The sandbox and the user the path names; a 404 otherwise. */
  async function userOf(params: Params): Promise<{ world: World; userId: string }> {
    const world = await worldOf(services, params.id);
    if (!ID_PATTERN.test(params.user_id)) throw adminBadRequest('user_id must be an id of 1 to 19 digits');
    const [user] = await world.store.usersByIds([params.user_id]);
    if (!user) throw adminNotFound(`no user with id ${params.user_id}`);
    return { world, userId: user.id };
  }

  // No body limit: the file is read as it arrives, one entry at a time (src/domain/archive/likeArchive.ts).
  app.post<{ Params: Params }>('/sandboxes/:id/users/:user_id/likes/import', { bodyLimit: Number.MAX_SAFE_INTEGER }, async (req, reply) => {
    const body = req.body instanceof Readable ? req.body : Readable.from([]);
    try {
      const { world, userId } = await userOf(req.params);
      const report = await importLikes(world.store, world.clock, { userId, ids: world.ids, rows: parseLikeArchive(body) });
      return sendJson(reply, 200, report);
    } catch (error) {
      // What is left of a refused body is not read: the connection closes after the answer.
      if (!body.readableEnded) reply.header('connection', 'close');
      if (error instanceof ArchiveFormatError) throw adminBadRequest(error.message, { line: error.line });
      if (error instanceof ImportError) throw adminNotFound(error.message);
      throw error;
    }
  });

  app.get<{ Params: Params }>('/sandboxes/:id/users/:user_id/likes/export', async (req, reply) => {
    const { world, userId } = await userOf(req.params);
    return reply
      .header('content-type', 'application/javascript; charset=utf-8')
      .header('content-disposition', 'attachment; filename="like.js"')
      .send(Readable.from(exportLikes(world.store, userId)));
  });
};

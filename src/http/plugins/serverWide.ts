// Fastify encapsulates a registered plugin: its hooks, decorators and handlers reach only the routes it registers
// itself. The edge's cross-cutting plugins must reach every route (and the 404 handler), so they are marked as
// fastify-plugin marks them: registered into the root instance rather than a child of it.
import type { FastifyPluginAsync } from 'fastify';

export function serverWide<Options extends Record<string, unknown>>(name: string, plugin: FastifyPluginAsync<Options>): FastifyPluginAsync<Options> {
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
}

// The sandboxes a store holds. Isolated worlds are not built yet: there is one, `default`, the configured store
// itself (the demo world when it was seeded). The control API and `likes-api sandbox list` both answer from here.

export const DEFAULT_SANDBOX = 'default';

export interface SandboxSummary {
  id: string;
  /** True for the default world: the configured store itself, which requests reach without sandbox credentials. */
  default: boolean;
  /** What the world was seeded with: `demo` (the demo world, demo-credentials.json), or `none` (the store's own data). */
  seed: 'demo' | 'none';
  /** The store behind it: sqlite or postgres. */
  store: string;
}

export interface World {
  store: string;
  /** Whether the store holds the demo world (its demo credentials exist). */
  demo: boolean;
}

export function listSandboxes(world: World): SandboxSummary[] {
  return [{ id: DEFAULT_SANDBOX, default: true, seed: world.demo ? 'demo' : 'none', store: world.store }];
}

export function findSandbox(world: World, id: string): SandboxSummary | undefined {
  return listSandboxes(world).find((s) => s.id === id);
}

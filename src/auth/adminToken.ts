// The operator's admin token: LIKES_API_ADMIN_TOKEN, else the one generated with the demo world (demo-credentials.json
// `adminToken`, counted only while the demo is on); null when there is neither. It guards the control API (/__admin/)
// and the portal's operator pages alike.
import { storedDemoCredentials } from '../demo/demoSeed.ts';
import type { Services } from '../services.ts';

export async function resolveAdminToken(services: Services): Promise<string | null> {
  if (services.config.adminToken) return services.config.adminToken;
  if (!services.config.demo) return null;
  return (await storedDemoCredentials(services))?.adminToken ?? null;
}

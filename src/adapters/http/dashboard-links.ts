/** Tenant admins' dashboard links (`/twin-usage dashboard`), signed as the dashboard door checks them. */
import type { DashboardLinks } from '../../core/operator-desk.js';
import type { Clock } from '../../core/ports.js';
import { DashboardSigner } from './dashboard-session.js';

/** How long a tenant admin's link works. */
export const TENANT_LINK_MS = 7 * 86_400_000;

export function dashboardLinks(token: string, publicUrl: string | undefined, clock: Clock): DashboardLinks {
  const signer = new DashboardSigner(token);
  return {
    tenantLink(tenantId) {
      if (!publicUrl) return undefined;
      const expiresAt = clock.now() + TENANT_LINK_MS;
      const link = signer.sign({ scope: { tenantId }, expiresAt });
      return { url: `${publicUrl}/dashboard?link=${encodeURIComponent(link)}`, expiresAt };
    },
  };
}

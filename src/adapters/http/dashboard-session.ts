/**
 * Signed dashboard credentials (issue 14): the operator's session cookie and a tenant admin's read-only link are
 * the same thing, a scope (every tenant, or one tenant's key) and an expiry, signed with HMAC-SHA256 under a key
 * derived from TWIN_DASHBOARD_TOKEN. The tenant is inside the signed payload, so a link cannot be edited to show
 * another tenant; changing the token voids every session and link at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** '*' = every tenant (the operator); otherwise one tenant's stored key. */
export type DashboardScope = '*' | { tenantId: string };

export interface DashboardGrant {
  scope: DashboardScope;
  /** Epoch ms after which the grant is refused. */
  expiresAt: number;
}

const VERSION = 'v1';

export class DashboardSigner {
  readonly #key: Buffer;

  constructor(dashboardToken: string) {
    // why: a derived key, so the token itself never signs anything that leaves the server.
    this.#key = createHmac('sha256', dashboardToken).update('twinbot dashboard grants v1').digest();
  }

  sign(grant: DashboardGrant): string {
    const payload = Buffer.from(
      JSON.stringify({ s: grant.scope === '*' ? '*' : grant.scope.tenantId, e: grant.expiresAt }),
    ).toString('base64url');
    return `${VERSION}.${payload}.${this.#mac(payload)}`;
  }

  /** The grant of a signed value, or why it is refused. */
  verify(value: string, now: number): { grant: DashboardGrant } | { refused: 'forged' | 'expired' } {
    const [version, payload, mac] = value.split('.');
    if (version !== VERSION || !payload || !mac) return { refused: 'forged' };
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'forged' };
    let parsed: { s?: unknown; e?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s?: unknown; e?: unknown };
    } catch {
      return { refused: 'forged' };
    }
    if (typeof parsed.s !== 'string' || parsed.s === '' || typeof parsed.e !== 'number') return { refused: 'forged' };
    if (parsed.e <= now) return { refused: 'expired' };
    return { grant: { scope: parsed.s === '*' ? '*' : { tenantId: parsed.s }, expiresAt: parsed.e } };
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(`${VERSION}.${payload}`).digest('base64url');
  }
}

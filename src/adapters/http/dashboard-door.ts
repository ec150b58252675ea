/**
 * The web usage dashboard at /dashboard on PORT (issue 14), off unless TWIN_DASHBOARD_TOKEN is set.
 * Who may look: the operator, with the token as a bearer token or once in `?token=` (exchanged for a session
 * cookie and dropped from the address), and a tenant's admins, with a signed expiring link from
 * `/twin-usage dashboard` that shows their own tenant's rows and nothing else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '../../core/ports.js';
import { bearerOf, sameSecret } from './bearer-token.js';
import { type Asset, loadDashboardAssets } from './dashboard-assets.js';
import { renderContinue, renderDashboard, renderMessage } from './dashboard-page.js';
import { readRange } from './dashboard-range.js';
import { type DashboardGrant, DashboardSigner } from './dashboard-session.js';
import { type DashboardLedger, readDashboardView, TENANT_ROWS } from './dashboard-view.js';

export const SESSION_COOKIE = 'twin_dashboard';
/** How long the operator's cookie lasts after the token was shown once. */
export const OPERATOR_SESSION_MS = 12 * 3_600_000;

export interface DashboardDoorOptions {
  token: string;
  ledger: DashboardLedger;
  /** CSV of records: the header line, and one line per record (src/usage/usage-export.ts). */
  csv: { header(): string; row(record: import('../../core/types.js').UsageRecord): string };
  clock: Clock;
  logger: Logger;
  /** TWIN_PUBLIC_URL: where links point, and whether the cookie is Secure (https). */
  publicUrl?: string;
}

// why: no inline script or style anywhere; uPlot sets styles through the CSSOM, which style-src does not cover.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

export class DashboardDoor {
  readonly signer: DashboardSigner;
  readonly #assets: Map<string, Asset>;

  constructor(private readonly o: DashboardDoorOptions) {
    this.signer = new DashboardSigner(o.token);
    this.#assets = loadDashboardAssets();
  }

  /** The route handler: true when the request was for /dashboard. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    if (url.pathname !== '/dashboard' && !url.pathname.startsWith('/dashboard/')) return false;
    this.#route(req, res, url).catch((err: unknown) => {
      this.o.logger.error({ event: 'dashboard.failed', err }, 'the dashboard failed on a request');
      if (!res.headersSent) this.#page(res, 500, 'The dashboard hit a problem', 'Reload the page; the log says more.');
      else res.end();
    });
    return true;
  }

  async #route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET', ...SECURITY_HEADERS });
      res.end();
      return;
    }
    if (url.pathname.startsWith('/dashboard/assets/')) return this.#asset(res, url.pathname.slice(18));
    const now = this.o.clock.now();
    if (url.pathname === '/dashboard' && (url.searchParams.has('token') || url.searchParams.has('link'))) {
      return this.#exchange(req, res, url, now);
    }
    const grant = this.#grantOf(req, now);
    if ('refused' in grant) {
      const text =
        grant.refused === 'expired'
          ? 'This dashboard session has expired. Open the dashboard again with its token, or ask for a new link with /twin-usage dashboard.'
          : 'Open the dashboard with its token (/dashboard?token=…), or with a link from /twin-usage dashboard.';
      return this.#page(res, 401, 'Sign in to the usage dashboard', text);
    }
    const operator = grant.grant.scope === '*';
    const asked = url.searchParams.get('tenant') || undefined;
    if (!operator && asked !== undefined && asked !== (grant.grant.scope as { tenantId: string }).tenantId) {
      // why: a tenant's link shows its own rows only; asking for another tenant is refused, never silently narrowed.
      return this.#page(res, 403, 'Not your tenant', 'This link shows one tenant’s usage only.');
    }
    const tenantId = operator ? asked : (grant.grant.scope as { tenantId: string }).tenantId;
    const range = readRange(url.searchParams, now);
    if ('problem' in range) return this.#page(res, 400, 'That date range does not work', range.problem);
    if (url.pathname === '/dashboard') {
      const view = await readDashboardView(this.o.ledger, range, tenantId);
      const choices = operator
        ? await this.#tenantChoices(
            range,
            view.tenants.map((t) => t.tenantId),
            tenantId,
          )
        : [];
      return this.#send(res, 200, 'text/html; charset=utf-8', renderDashboard(view, operator, choices));
    }
    if (url.pathname === '/dashboard/data.json') {
      const view = await readDashboardView(this.o.ledger, range, tenantId, { quotas: false });
      const body = {
        tenantId: view.tenantId ?? null,
        from: range.from,
        to: range.to,
        bucketMs: range.bucketMs,
        series: view.summary.series,
        byModel: view.summary.byModel,
        tenants: view.tenants,
      };
      return this.#send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
    }
    if (url.pathname === '/dashboard/usage.csv') return this.#csv(res, range, tenantId);
    return this.#page(res, 404, 'Not found', 'The dashboard lives at /dashboard.');
  }

  /** `?token=` or `?link=`: checked, turned into the session cookie, and dropped from the address. */
  #exchange(req: IncomingMessage, res: ServerResponse, url: URL, now: number): void {
    const token = url.searchParams.get('token');
    const link = url.searchParams.get('link');
    let grant: DashboardGrant | undefined;
    let refusal = 'That dashboard token is not right. Check TWIN_DASHBOARD_TOKEN and try again.';
    if (token !== null) {
      if (sameSecret(token, this.o.token)) grant = { scope: '*', expiresAt: now + OPERATOR_SESSION_MS };
    } else if (link !== null) {
      const checked = this.signer.verify(link, now);
      if ('grant' in checked) grant = checked.grant;
      else {
        refusal =
          checked.refused === 'expired'
            ? 'This dashboard link has expired. Ask for a new one with /twin-usage dashboard.'
            : 'This dashboard link is not valid. Ask for a new one with /twin-usage dashboard.';
      }
    }
    if (!grant) {
      this.o.logger.warn({ event: 'dashboard.refused', ip: req.socket.remoteAddress }, 'refused a dashboard sign-in');
      this.#page(res, 403, 'The dashboard could not be opened', refusal);
      return;
    }
    const rest = new URLSearchParams(url.searchParams);
    rest.delete('token');
    rest.delete('link');
    const location = `/dashboard${rest.size > 0 ? `?${rest}` : ''}`;
    const maxAge = Math.floor((grant.expiresAt - now) / 1000);
    const secure = this.#secure(req) ? '; Secure' : '';
    const cookie = `${SESSION_COOKIE}=${this.signer.sign(grant)}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      ...NO_STORE,
      'content-type': 'text/html; charset=utf-8',
      'set-cookie': cookie,
      refresh: `0;url=${location}`,
    });
    res.end(renderContinue(location));
  }

  #grantOf(
    req: IncomingMessage,
    now: number,
  ): { grant: DashboardGrant } | { refused: 'missing' | 'forged' | 'expired' } {
    const bearer = bearerOf(req);
    if (bearer !== undefined) {
      return sameSecret(bearer, this.o.token) ? { grant: { scope: '*', expiresAt: now + 1 } } : { refused: 'forged' };
    }
    const cookie = cookieValue(req, SESSION_COOKIE);
    return cookie ? this.signer.verify(cookie, now) : { refused: 'missing' };
  }

  #secure(req: IncomingMessage): boolean {
    return (
      this.o.publicUrl?.startsWith('https:') === true ||
      req.headers['x-forwarded-proto'] === 'https' ||
      Boolean((req.socket as { encrypted?: boolean }).encrypted)
    );
  }

  async #tenantChoices(
    range: { from: number; to: number },
    seen: string[],
    current: string | undefined,
  ): Promise<string[]> {
    if (!current) return seen;
    // why: with one tenant picked, the rows hold only that tenant; the picker still offers the others of the range.
    const all = await this.o.ledger.usageByTenant({ from: range.from, to: range.to, limit: TENANT_ROWS });
    return all.map((t) => t.tenantId);
  }

  async #csv(
    res: ServerResponse,
    range: { from: number; to: number; fromDay: string; toDay: string },
    tenantId?: string,
  ): Promise<void> {
    const name = `twinbot-usage-${tenantId ? `${tenantId.replace(/[^A-Za-z0-9._-]+/g, '_')}-` : ''}${range.fromDay}-to-${range.toDay}.csv`;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      ...NO_STORE,
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
    });
    res.write(this.o.csv.header());
    for await (const record of this.o.ledger.exportRecords({ tenantId, from: range.from, to: range.to })) {
      // why: a slow reader must hold the export back, or a year of rows would pile up in the socket's buffer.
      if (!res.write(this.o.csv.row(record))) await drained(res);
      if (res.destroyed) return; // the reader left: stop reading pages for nobody
    }
    res.end();
  }

  #asset(res: ServerResponse, name: string): void {
    const asset = this.#assets.get(name);
    if (!asset) {
      this.#page(res, 404, 'Not found', 'No such file.');
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
    res.end(asset.body);
  }

  #page(res: ServerResponse, status: number, title: string, text: string): void {
    this.#send(res, status, 'text/html; charset=utf-8', renderMessage(title, text));
  }

  #send(res: ServerResponse, status: number, type: string, body: string): void {
    res.writeHead(status, { ...SECURITY_HEADERS, ...NO_STORE, 'content-type': type });
    res.end(body);
  }
}

/** Resolves when the response can take more, or when it closed (the reader left). */
function drained(res: ServerResponse): Promise<void> {
  if (res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** One cookie's value from the Cookie header. */
function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

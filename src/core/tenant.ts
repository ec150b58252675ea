/**
 * Where a request comes from and whose budget it spends (DESIGN.md "Words"), as a value built at the edge by the
 * adapter that knows it, instead of a string the core parses back. `key` is the stored form the ledger, quotas and
 * queues use (`discord:<guildId>`, `discord:dm:<userId>`, `slack:<teamId>`, `console:local`, `api:<name>`,
 * `mcp:<name>`); it never changes, so existing ledgers keep their meaning.
 */

export type TenantKind = 'guild' | 'workspace' | 'dm' | 'console' | 'api' | 'mcp';

export interface Tenant {
  platform: 'discord' | 'slack' | 'console' | 'api' | 'mcp';
  /** The platform's own id: the guild, the workspace (team), the DM's user, the API key's name. */
  id: string;
  kind: TenantKind;
  /** The stored form. */
  key: string;
  /** Slack Enterprise Grid id, kept beside the workspace. */
  enterpriseId?: string;
}

/** A Discord guild; a DM is its user's own tenant and never spends another guild's budget. */
export function discordTenant(guildId: string | null | undefined, userId: string): Tenant {
  return guildId
    ? { platform: 'discord', id: guildId, kind: 'guild', key: `discord:${guildId}` }
    : { platform: 'discord', id: userId, kind: 'dm', key: `discord:dm:${userId}` };
}

/** A Slack workspace (the payload's team_id). */
export function slackTenant(teamId: string, enterpriseId?: string): Tenant {
  return {
    platform: 'slack',
    id: teamId,
    kind: 'workspace',
    key: `slack:${teamId}`,
    ...(enterpriseId && { enterpriseId }),
  };
}

/** The local console (and the `twinbot ask` command). */
export const CONSOLE_TENANT: Tenant = { platform: 'console', id: 'local', kind: 'console', key: 'console:local' };

/** An HTTP API key or an MCP client, by its configured name. */
export function keyTenant(door: 'api' | 'mcp', name: string): Tenant {
  return { platform: door, id: name, kind: door, key: `${door}:${name}` };
}

/**
 * The kind of a stored key, for callers that only hold the stored form (operators' commands reading the ledger).
 * The one place a key is read back; requests carry their `Tenant`.
 */
export function kindOfKey(key: string): TenantKind {
  if (key.startsWith('discord:dm:')) return 'dm';
  if (key.startsWith('discord:')) return 'guild';
  if (key.startsWith('slack:')) return 'workspace';
  if (key.startsWith('api:')) return 'api';
  if (key.startsWith('mcp:')) return 'mcp';
  return 'console';
}

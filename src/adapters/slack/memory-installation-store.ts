/**
 * Keeps the installations of a distributed Slack app (one per workspace, or one per Enterprise Grid org for an
 * org-wide install) in memory, behind Bolt's `InstallationStore` interface. The composition root may swap in a
 * database-backed store with the same interface.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/** The key of an installation: the org for an org-wide install, else the workspace. */
function keyOf(enterpriseId: string | undefined, teamId: string | undefined, isEnterpriseInstall: boolean): string {
  if (isEnterpriseInstall && enterpriseId) return `E:${enterpriseId}`;
  return `T:${enterpriseId ?? '-'}:${teamId ?? '-'}`;
}

export class MemorySlackInstallationStore implements InstallationStore {
  private readonly installations = new Map<string, AnyInstallation>();

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const key = keyOf(installation.enterprise?.id, installation.team?.id, installation.isEnterpriseInstall === true);
    this.installations.set(key, installation as AnyInstallation);
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const found =
      (query.enterpriseId ? this.installations.get(keyOf(query.enterpriseId, undefined, true)) : undefined) ??
      this.installations.get(keyOf(query.enterpriseId, query.teamId, false));
    // why: Bolt's authorize turns a throw into "no installation" and stops Slack's retries for the event.
    if (!found)
      throw new Error(`no installation for team ${query.teamId ?? '-'} / enterprise ${query.enterpriseId ?? '-'}`);
    return found;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    this.installations.delete(keyOf(query.enterpriseId, query.teamId, query.isEnterpriseInstall));
  }

  /** How many workspaces (or orgs) have the app installed. */
  get size(): number {
    return this.installations.size;
  }

  /** Whether a workspace (or, with `enterpriseId` alone, an org-wide install) is installed. */
  has(query: { teamId?: string; enterpriseId?: string }): boolean {
    return (
      (query.enterpriseId !== undefined && this.installations.has(keyOf(query.enterpriseId, undefined, true))) ||
      this.installations.has(keyOf(query.enterpriseId, query.teamId, false))
    );
  }
}

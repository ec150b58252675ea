/**
 * Bolt's `InstallationStore` on the KeyValueStore port (the ledger's database), so a distributed app keeps its
 * installations across restarts. One entry per workspace, or per Enterprise Grid org for an org-wide install.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { KeyValueStore } from '../../core/ports.js';

type AnyInstallation = Installation<'v1' | 'v2', boolean>;

/** The KeyValueStore namespace of installations (re-encrypted at start when the key changes). */
export const INSTALLATIONS_NAMESPACE = 'slack-installations';
const NAMESPACE = INSTALLATIONS_NAMESPACE;

/** The key of an installation: the org for an org-wide install, else the workspace. */
export function installationKey(
  enterpriseId: string | undefined,
  teamId: string | undefined,
  orgWide: boolean,
): string {
  if (orgWide && enterpriseId) return `E:${enterpriseId}`;
  return `T:${enterpriseId ?? '-'}:${teamId ?? '-'}`;
}

export class KeyValueInstallationStore implements InstallationStore {
  /** `kv` may encrypt what it stores (EncryptedKeyValueStore): installations hold bot tokens. */
  constructor(private readonly kv: Pick<KeyValueStore, 'get' | 'set' | 'delete'>) {}

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const key = installationKey(
      installation.enterprise?.id,
      installation.team?.id,
      installation.isEnterpriseInstall === true,
    );
    await this.kv.set(NAMESPACE, key, JSON.stringify(installation));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<AnyInstallation> {
    const raw =
      (query.enterpriseId
        ? await this.kv.get(NAMESPACE, installationKey(query.enterpriseId, undefined, true))
        : undefined) ?? (await this.kv.get(NAMESPACE, installationKey(query.enterpriseId, query.teamId, false)));
    // why: Bolt's authorize turns a throw into "no installation" and stops Slack's retries for the event.
    if (!raw)
      throw new Error(`no installation for team ${query.teamId ?? '-'} / enterprise ${query.enterpriseId ?? '-'}`);
    return JSON.parse(raw) as AnyInstallation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.kv.delete(NAMESPACE, installationKey(query.enterpriseId, query.teamId, query.isEnterpriseInstall));
  }

  /** Whether a workspace (or, with `enterpriseId` alone, an org-wide install) is installed. */
  async has(query: { teamId?: string; enterpriseId?: string }): Promise<boolean> {
    if (query.enterpriseId && (await this.kv.get(NAMESPACE, installationKey(query.enterpriseId, undefined, true)))) {
      return true;
    }
    return (await this.kv.get(NAMESPACE, installationKey(query.enterpriseId, query.teamId, false))) !== undefined;
  }
}

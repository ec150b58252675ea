/**
 * The keys of the HTTP doors (TWIN_API_KEYS): which client a bearer token belongs to. Every key is compared, in
 * constant time, whatever matched earlier, so the time a refusal takes says nothing about any key.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ApiKeyEntry {
  /** The key's name; its tenant is `api:<name>`. */
  name: string;
  key: string;
}

export class ApiKeyRing {
  private readonly digests: { name: string; digest: Buffer }[];

  constructor(entries: readonly ApiKeyEntry[]) {
    this.digests = entries.map((e) => ({ name: e.name, digest: sha256(e.key) }));
  }

  /** The name of the key `token` is, or undefined. why: digests have one length, so timingSafeEqual applies. */
  nameOf(token: string | undefined): string | undefined {
    const given = sha256(token ?? '');
    let found: string | undefined;
    for (const { name, digest } of this.digests) {
      if (timingSafeEqual(given, digest) && token) found = name;
    }
    return found;
  }

  /** The key's name from an `Authorization: Bearer <key>` header value. */
  nameOfBearer(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return this.nameOf(m?.[1]);
  }
}

/** The tenant of an API key's requests (DESIGN.md "Words"). */
export function apiTenant(keyName: string): string {
  return `api:${keyName}`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

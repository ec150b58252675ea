/**
 * Encryption at rest for small secrets kept on the KeyValueStore port (Slack installations hold bot tokens):
 * AES-256-GCM, a fresh 12-byte IV per write, the namespace and key bound in as associated data (so a row copied
 * under another workspace's key does not decrypt). Keys come from TWIN_ENCRYPTION_KEY, a list: the first encrypts,
 * every one decrypts, so a key is rotated by putting the new one first and dropping the old one once `rewrap`
 * has run (every start does it).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { TwinError } from '../core/errors.js';
import type { KeyValueStore } from '../core/ports.js';

const VERSION = 'v1';
const IV_BYTES = 12;

interface Key {
  /** Names the key in stored values (a hash prefix: it says which key, and nothing about it). */
  id: string;
  secret: Uint8Array;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

function keyOf(secret: Uint8Array): Key {
  if (secret.length !== 32) throw new TwinError('config', 'An encryption key must be 32 bytes');
  return { id: createHash('sha256').update(secret).digest('hex').slice(0, 8), secret };
}

/**
 * The part of the KeyValueStore port that secrets need. why: the claim methods (setIfAbsent, setIfAllAbsent) are
 * for dedupe ids, which are not secret, and one shared value cannot be bound to each of several keys.
 */
export type SecretStore = Pick<KeyValueStore, 'get' | 'set' | 'delete' | 'deletePrefix'>;

export class EncryptedKeyValueStore implements SecretStore {
  readonly #inner: KeyValueStore;
  readonly #keys: Key[];

  /** `secrets`: 32-byte keys, the first one encrypting. */
  constructor(inner: KeyValueStore, secrets: readonly Uint8Array[]) {
    if (secrets.length === 0) throw new TwinError('config', 'Encryption needs at least one key');
    this.#inner = inner;
    this.#keys = secrets.map(keyOf);
  }

  #encrypt(namespace: string, key: string, value: string): string {
    const k = this.#keys[0]!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', k.secret, iv);
    cipher.setAAD(Buffer.from(`${namespace}\u0000${key}`));
    const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return [VERSION, k.id, b64(iv), b64(cipher.getAuthTag()), b64(data)].join('.');
  }

  /** The plain value, and whether it should be written again under the first key (old key, or never encrypted). */
  #decrypt(namespace: string, key: string, stored: string): { value: string; stale: boolean } {
    const parts = stored.split('.');
    // why: rows written before encryption was turned on are plain JSON; they are read once and rewritten encrypted.
    if (parts[0] !== VERSION || parts.length !== 5) return { value: stored, stale: true };
    const [, id, iv, tag, data] = parts as [string, string, string, string, string];
    const k = this.#keys.find((x) => x.id === id);
    if (!k) {
      throw new TwinError(
        'config',
        `A stored ${namespace} entry is encrypted with a key (id ${id}) that TWIN_ENCRYPTION_KEY no longer lists`,
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', k.secret, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(`${namespace}\u0000${key}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const value = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      return { value, stale: k !== this.#keys[0] };
    } catch (err) {
      throw new TwinError('storage', `A stored ${namespace} entry failed its integrity check`, { cause: err });
    }
  }

  async get(namespace: string, key: string): Promise<string | undefined> {
    const stored = await this.#inner.get(namespace, key);
    if (stored === undefined) return undefined;
    const { value, stale } = this.#decrypt(namespace, key, stored);
    if (stale) await this.#inner.set(namespace, key, this.#encrypt(namespace, key, value));
    return value;
  }

  set(namespace: string, key: string, value: string, ttlMs?: number): Promise<void> {
    return this.#inner.set(namespace, key, this.#encrypt(namespace, key, value), ttlMs);
  }

  delete(namespace: string, key: string): Promise<boolean> {
    return this.#inner.delete(namespace, key);
  }

  deletePrefix(namespace: string, prefix: string): Promise<number> {
    return this.#inner.deletePrefix(namespace, prefix);
  }

  /**
   * Rewrites the given entries under the first key (plain ones and those under an older key); returns how many
   * it rewrote. Run at start, so an old key can be dropped from the list after one restart.
   */
  async rewrap(namespace: string, keys: readonly string[]): Promise<number> {
    let rewritten = 0;
    for (const key of keys) {
      const stored = await this.#inner.get(namespace, key);
      if (stored === undefined) continue;
      const { value, stale } = this.#decrypt(namespace, key, stored);
      if (!stale) continue;
      await this.#inner.set(namespace, key, this.#encrypt(namespace, key, value));
      rewritten++;
    }
    return rewritten;
  }
}

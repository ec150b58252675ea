/**
 * Takes credentials out of free text before it is logged or shown: the user info of any URL
 * (`postgres://user:password@host` -> `postgres://[redacted]@host`), credential query parameters
 * (`?authToken=...`), and any known secret value. SDK errors quote URLs and headers in their messages (libsql prints
 * the whole database URL), so every error text passes through here, not only our own messages.
 */

const REDACTED = '[redacted]';

/**
 * `scheme://` followed by user info up to the last `@` of the authority. why: greedy up to `@` so a password with an
 * unencoded `@` is still covered whole.
 */
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>`]*@/gi;

const SECRET_QUERY =
  /([?&;](?:auth[_-]?token|access[_-]?token|token|password|passwd|pwd|secret|client[_-]?secret|api[_-]?key|key|sig|signature)=)[^&#\s"'<>`]*/gi;

/** The URL (or any text holding URLs) without user info or credential query parameters. */
export function stripUserInfo(text: string): string {
  return text.replace(URL_USER_INFO, `$1${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`);
}

/**
 * `text` with every known secret value (6 characters or more, as given and URL-encoded) replaced, and every URL's
 * user info and credential parameters stripped.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 6) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(REDACTED);
  }
  return stripUserInfo(out);
}

/** The password of a URL's user info, decoded, so it can be scrubbed where it appears without its URL. */
export function userInfoSecrets(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const u = new URL(url);
    if (u.password === '') return [];
    try {
      return [decodeURIComponent(u.password)];
    } catch {
      return [u.password];
    }
  } catch {
    return [];
  }
}

/**
 * A copy of a logged value with every string scrubbed: plain objects and arrays are walked (to a small depth,
 * cycles skipped); anything else is returned as it is.
 */
export function scrubDeep(value: unknown, secrets: readonly string[], depth = 0, seen = new Set<object>()): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (value === null || typeof value !== 'object' || depth > 6 || seen.has(value)) return value;
  if (Array.isArray(value)) {
    seen.add(value);
    return value.map((v) => scrubDeep(v, secrets, depth + 1, seen));
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = scrubDeep(v, secrets, depth + 1, seen);
  return out;
}

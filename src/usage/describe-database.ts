/** How a DATABASE_URL is named in what people read: engine and place, never a password or token. */
import { stripUserInfo } from '../core/scrub-secrets.js';
import { isPostgresUrl, postgresAddress } from './database-url.js';

export function describeDatabase(url: string): string {
  if (isPostgresUrl(url)) {
    const db = (() => {
      try {
        return decodeURIComponent(new URL(url).pathname.slice(1));
      } catch {
        return '';
      }
    })();
    return `PostgreSQL at ${postgresAddress(url)}${db ? `/${db}` : ''}`;
  }
  return stripUserInfo(url.split('?')[0] ?? '');
}

/**
 * The forms a tenant name takes (DESIGN.md "Words"), checked before an operator's command touches the ledger:
 * a quota set on `12345` or `Discord:123` would sit in the database and never apply to anyone.
 */
import { ArgumentError } from './parse-command-args.js';

const FORMS: readonly { pattern: RegExp; form: string }[] = [
  { pattern: /^discord:\d+$/, form: 'discord:<server id>' },
  { pattern: /^discord:dm:\d+$/, form: 'discord:dm:<user id>' },
  { pattern: /^slack:[A-Z][A-Z0-9]+$/, form: 'slack:<team id>' },
  { pattern: /^api:[\w.-]+$/, form: 'api:<key name>' },
  { pattern: /^mcp:[\w.-]+$/, form: 'mcp:<key name>' },
  { pattern: /^console:local$/, form: 'console:local' },
];

export const TENANT_FORMS = FORMS.map((f) => f.form);

/** Why `name` is not a tenant name (with a hint of the likely one), or undefined when it is one. */
export function tenantNameProblem(name: string): string | undefined {
  if (FORMS.some((f) => f.pattern.test(name))) return undefined;
  const hint = likelyTenant(name);
  const forms = `a tenant is one of ${TENANT_FORMS.join(', ')}`;
  return `"${name}" is not a tenant name; ${hint ? `did you mean ${hint}? (${forms})` : forms}`;
}

/** Throws an ArgumentError unless `name` is a tenant name. */
export function checkTenantName(name: string): string {
  const problem = tenantNameProblem(name);
  if (problem) throw new ArgumentError(problem);
  return name;
}

function likelyTenant(name: string): string | undefined {
  const trimmed = name.trim();
  if (/^\d+$/.test(trimmed)) return `discord:${trimmed}`;
  if (/^[TE][A-Z0-9]{6,}$/.test(trimmed)) return `slack:${trimmed}`;
  const [prefix, ...rest] = trimmed.split(':');
  const tail = rest.join(':');
  const lower = (prefix ?? '').toLowerCase();
  if (lower === 'discord' && /^\d+$/.test(tail.replace(/^guild[-_:]?/i, ''))) {
    return `discord:${tail.replace(/^guild[-_:]?/i, '')}`;
  }
  if (lower === 'slack' && tail) return `slack:${tail.toUpperCase()}`;
  if ((lower === 'api' || lower === 'mcp') && tail) return `${lower}:${tail.replace(/[^\w.-]+/g, '-')}`;
  if (lower === 'console') return 'console:local';
  return undefined;
}

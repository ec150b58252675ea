/** Small helpers that turn profile fields into readable first-person sentences. */

/** Ends `text` with a full stop unless it already ends a sentence. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  return /[.!?…]["')\]]*$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Lowercases the first letter unless the first word is an acronym or a name-like token ("AWS", "iOS"). */
export function lowerFirst(text: string): string {
  const word = /^\S+/.exec(text)?.[0] ?? '';
  if (word === 'I' || /^I['’]/.test(word)) return text;
  if (word.length > 1 && word.slice(1) !== word.slice(1).toLowerCase()) return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** "a Senior Engineer", "an Engineer", "an SRE"; titles that start with an article are left alone. */
export function withArticle(noun: string): string {
  if (/^(a|an|the)\s/i.test(noun)) return noun;
  const acronym = /^[A-Z]{2}/.test(noun);
  const vowelSound = acronym
    ? /^[AEFHILMNORSX]/.test(noun)
    : /^[aeiou]/i.test(noun) && !/^(uni|use|usu|eu|one)/i.test(noun);
  return `${vowelSound ? 'an' : 'a'} ${noun}`;
}

/** 1 -> "1 year", 3.5 -> "3.5 years". */
export function yearsText(years: number): string {
  return `${years} ${years === 1 ? 'year' : 'years'}`;
}

/** A stable, readable id part: "Northwind Traders, Inc." -> "northwind-traders-inc". */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** Joins non-empty sentences with single spaces. */
export function paragraph(...parts: (string | undefined | false)[]): string {
  return parts
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .map((part) => part.trim())
    .join(' ');
}

/** `ui_ux_tools` -> "ui ux tools", `cloudDevops` -> "cloud devops". */
export function humanizeKey(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for tests: every line must be a
 * `# HELP`, a `# TYPE` or a sample of a declared family, label values must be escaped correctly, names valid, and
 * each family's samples must follow its own TYPE line. It throws on the first line that breaks a rule.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`line ${line}: bad value "${text}"`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after '{'
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = text.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name "${name}"`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (; ; j++) {
      const c = text[j];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === '\n') throw new Error(`line ${line}: raw newline in label value`);
      if (c === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next}`);
      } else value += c;
    }
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new Error(`line ${line}: expected , or } after a label`);
  }
}

/** The families of an exposition, in order; throws on any malformed line. */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  let current: Family | undefined;
  const lines = text.split('\n');
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw === '') return;
    if (raw.startsWith('# HELP ')) {
      const [, name = '', ...help] = raw.split(' ').slice(1);
      void name;
      const [fname = ''] = raw.slice(7).split(' ');
      if (!NAME.test(fname)) throw new Error(`line ${line}: bad metric name "${fname}"`);
      if (families.has(fname)) throw new Error(`line ${line}: ${fname} declared twice`);
      current = { name: fname, type: 'untyped', help: raw.slice(8 + fname.length), samples: [] };
      void help;
      families.set(fname, current);
      return;
    }
    if (raw.startsWith('# TYPE ')) {
      const [fname = '', type = ''] = raw.slice(7).split(' ');
      if (!current || current.name !== fname) throw new Error(`line ${line}: TYPE of ${fname} without its HELP`);
      if (!TYPES.has(type)) throw new Error(`line ${line}: bad type ${type}`);
      current.type = type as Family['type'];
      return;
    }
    if (raw.startsWith('#')) return;
    const nameEnd = raw.search(/[{ ]/);
    const name = raw.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`line ${line}: bad sample name "${name}"`);
    let rest = raw.slice(nameEnd);
    let labels: Record<string, string> = {};
    if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
    const parts = rest.trim().split(' ');
    if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`line ${line}: bad sample`);
    const value = parseValue(parts[0] as string, line);
    if (!current) throw new Error(`line ${line}: sample before any family`);
    const suffixes =
      current.type === 'histogram'
        ? ['_bucket', '_sum', '_count']
        : current.type === 'summary'
          ? ['', '_sum', '_count']
          : [''];
    if (!suffixes.some((s) => name === current?.name + s)) {
      throw new Error(`line ${line}: sample ${name} outside its family ${current.name}`);
    }
    if (name.endsWith('_bucket') && current.type === 'histogram' && labels.le === undefined) {
      throw new Error(`line ${line}: bucket without le`);
    }
    current.samples.push({ name, labels, value });
  });
  return families;
}

/** The sum of the samples named `name` whose labels include `match`. */
export function sumOf(families: Map<string, Family>, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  for (const family of families.values()) {
    for (const s of family.samples) {
      if (s.name !== name) continue;
      if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
    }
  }
  return total;
}

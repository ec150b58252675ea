/**
 * Turns a validated profile into retrievable chunks: the file's `content_chunks` when it has them (as the workshop
 * embedded them), otherwise chunks derived from the structured sections. Private topics are left out unless the
 * owner shares them; long chunks are split; every chunk gets a content hash.
 */
import type { Chunk } from '../core/types.js';
import { type ChunkDraft, withHash } from './chunk-hash.js';
import { deriveChunks } from './derive-chunks.js';
import { type PrivateTopic, withholdPrivate } from './private-facts.js';
import { humanizeKey } from './prose.js';
import { MAX_CHUNK_CHARS, splitLongText } from './split-long-text.js';
import type { ContentChunkEntry, WorkshopProfile } from './workshop-profile.js';

export interface ChunkOptions {
  /** Include salary facts (derived salary chunk, content_chunks about salary). Default false. */
  shareSalary?: boolean;
  /** Include contact details (derived contact chunk, content_chunks about contact). Default true. */
  shareContact?: boolean;
  /** Include sentences holding a phone number, in any chunk. Default false. */
  sharePhone?: boolean;
  /** Chunks longer than this are split into `<id>#2`, `<id>#3`... Default 1 500. */
  maxChunkChars?: number;
}

export interface ChunkResult {
  chunks: Chunk[];
  warnings: string[];
  /** What the settings left out on purpose (salary, contact): worth a line in the log, not a warning. */
  notices: string[];
  /** Faults (duplicate ids): the caller reports them with the validation problems, in one error. */
  problems: string[];
}

const SALARY = /\b(salary|salaries|compensation|remuneration|pay ?range|wages?)\b/i;
const CONTACT = /\b(contact|contacts|email|phone)\b/i;

/** Whether the entry's type, category, tags or title say it is about `topic` (its prose: `withholdPrivateFacts`). */
function isAbout(entry: ContentChunkEntry, topic: RegExp): boolean {
  return [entry.type, entry.category, entry.title, ...entry.tags].some(
    (label) => label !== undefined && topic.test(label),
  );
}

function contentDrafts(entries: ContentChunkEntry[], options: Required<ChunkOptions>, out: ChunkResult): ChunkDraft[] {
  const firstIndex = new Map<string, number>();
  const hidden: { salary: string[]; contact: string[] } = { salary: [], contact: [] };
  const drafts: ChunkDraft[] = [];
  for (const entry of entries) {
    const at = `content_chunks[${entry.index}]`;
    const seen = firstIndex.get(entry.id);
    if (seen !== undefined) {
      out.problems.push(`${at}.id '${entry.id}' repeats content_chunks[${seen}].id; chunk ids must be unique`);
      continue;
    }
    firstIndex.set(entry.id, entry.index);
    if (!entry.content) {
      out.warnings.push(`${at} ('${entry.id}') has no content; it is skipped`);
      continue;
    }
    if (!options.shareSalary && isAbout(entry, SALARY)) {
      hidden.salary.push(entry.id);
      continue;
    }
    if (!options.shareContact && isAbout(entry, CONTACT)) {
      hidden.contact.push(entry.id);
      continue;
    }
    const type = entry.type ?? entry.category ?? 'general';
    drafts.push({
      id: entry.id,
      title: entry.title ?? capitalize(humanizeKey(type)),
      type,
      text: entry.content,
      metadata: { category: entry.category ?? type, tags: entry.tags, section: ['content_chunks', entry.id] },
    });
  }
  if (hidden.salary.length > 0) {
    out.notices.push(`salary sharing is off, so content_chunks about salary are left out: ${hidden.salary.join(', ')}`);
  }
  if (hidden.contact.length > 0) {
    out.notices.push(
      `contact sharing is off, so content_chunks about contact are left out: ${hidden.contact.join(', ')}`,
    );
  }
  return drafts;
}

const TOPIC_NOTICE: Record<PrivateTopic, string> = {
  salary: 'salary sharing is off, so sentences stating pay are withheld from',
  phone: 'phone sharing is off, so sentences holding a phone number are withheld from',
};

/**
 * why: labels miss private facts told in prose ("Career goals" stating an expected salary), so every chunk's text is
 * read too. A withheld sentence is gone before hashing, so neither the index nor a model ever receives it; a chunk
 * with nothing left is left out. The owner is told which chunks were touched, as a notice.
 */
function withholdPrivateFacts(drafts: ChunkDraft[], settings: Required<ChunkOptions>, out: ChunkResult): ChunkDraft[] {
  const touched: Record<PrivateTopic, string[]> = { salary: [], phone: [] };
  const emptied = new Set<string>();
  const kept: ChunkDraft[] = [];
  for (const draft of drafts) {
    const body = withholdPrivate(draft.text, settings);
    const title = withholdPrivate(draft.title, settings);
    for (const topic of new Set([...body.withheld, ...title.withheld])) touched[topic].push(draft.id);
    if (body.text === '') {
      emptied.add(draft.id);
      continue;
    }
    const safeTitle = title.withheld.length > 0 ? capitalize(humanizeKey(draft.type)) : draft.title;
    kept.push({ ...draft, title: safeTitle, text: body.text });
  }
  for (const topic of ['salary', 'phone'] as const) {
    const ids = touched[topic];
    if (ids.length === 0) continue;
    const left = ids.filter((id) => emptied.has(id));
    const leftOut = left.length === 0 ? '' : ` (left out, as nothing else was in them: ${left.join(', ')})`;
    out.notices.push(`${TOPIC_NOTICE[topic]}: ${ids.join(', ')}${leftOut}`);
  }
  return kept;
}

/** One draft, or its parts when longer than `max`: `<id>`, `<id>#2`, ... titled "(part n of N)". */
function split(draft: ChunkDraft, max: number): ChunkDraft[] {
  const parts = splitLongText(draft.text, max);
  if (parts.length === 1) return [{ ...draft, text: parts[0] ?? draft.text }];
  return parts.map((text, i) => ({
    ...draft,
    id: i === 0 ? draft.id : `${draft.id}#${i + 1}`,
    title: `${draft.title} (part ${i + 1} of ${parts.length})`,
    text,
  }));
}

export function chunkProfile(profile: WorkshopProfile, options: ChunkOptions = {}): ChunkResult {
  const settings: Required<ChunkOptions> = {
    shareSalary: options.shareSalary ?? false,
    shareContact: options.shareContact ?? true,
    sharePhone: options.sharePhone ?? false,
    maxChunkChars: options.maxChunkChars ?? MAX_CHUNK_CHARS,
  };
  const out: ChunkResult = { chunks: [], warnings: [], notices: [], problems: [] };
  let drafts = profile.contentChunks ? contentDrafts(profile.contentChunks, settings, out) : [];
  if (!profile.contentChunks) {
    drafts = deriveChunks(profile, settings);
  } else if (drafts.length === 0 && out.problems.length === 0) {
    out.warnings.push('content_chunks has no usable chunk; chunks are derived from the structured sections instead');
    drafts = deriveChunks(profile, settings);
  }
  drafts = withholdPrivateFacts(drafts, settings, out);
  const ids = new Set<string>();
  for (const draft of drafts.flatMap((d) => split(d, settings.maxChunkChars))) {
    if (ids.has(draft.id)) {
      // why: only reachable when a file's own id looks like a split part ("chunk_001#2").
      out.problems.push(
        `chunk id '${draft.id}' is used twice (a long chunk's parts are named '<id>#2', '<id>#3', ...)`,
      );
      continue;
    }
    ids.add(draft.id);
    out.chunks.push(withHash(draft));
  }
  return out;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

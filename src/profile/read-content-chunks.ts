/** Reads `content_chunks[]`: ready-written first-person prose, one retrievable piece each. */
import { describeValue, type FieldReader, type JsonObject, joinPath } from './field-reader.js';
import type { ContentChunkEntry } from './workshop-profile.js';

const CHUNK_KEYS = ['id', 'title', 'type', 'content', 'metadata'] as const;
const CHUNK_ALIASES = ['text', 'category', 'tags'];
const METADATA_KEYS = ['category', 'tags'] as const;

/** Text, or a list of paragraphs (kept as paragraphs so a long chunk is split between them). */
function readContent(r: FieldReader, value: unknown, path: string): string | undefined {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    const text = value
      .map((v) => v.trim())
      .filter((v) => v !== '')
      .join('\n\n');
    return text === '' ? undefined : text;
  }
  return r.text(value, path);
}

function readChunk(r: FieldReader, obj: JsonObject, index: number): ContentChunkEntry {
  const path = joinPath('content_chunks', index);
  const at = (key: string) => joinPath(path, key);
  r.checkKeys(obj, path, CHUNK_KEYS, CHUNK_ALIASES);
  let id = r.text(r.field(obj, 'id'), at('id'));
  if (id === undefined) {
    id = `content_${index + 1}`;
    r.warnings.push(`${at('id')} is missing; using '${id}'`);
  }
  const metadata = r.object(r.field(obj, 'metadata'), at('metadata'));
  if (metadata) r.checkKeys(metadata, at('metadata'), METADATA_KEYS);
  // why: some files put category/tags beside the content instead of under metadata; read either place.
  const category = metadata
    ? r.text(r.field(metadata, 'category'), joinPath(at('metadata'), 'category'))
    : r.text(r.field(obj, 'category'), at('category'));
  const tags = metadata
    ? r.textList(r.field(metadata, 'tags'), joinPath(at('metadata'), 'tags'))
    : r.textList(r.field(obj, 'tags'), at('tags'));
  return {
    index,
    id,
    title: r.text(r.field(obj, 'title'), at('title')),
    type: r.text(r.field(obj, 'type'), at('type')),
    content: readContent(r, r.field(obj, 'content', 'text'), at('content')),
    category,
    tags,
  };
}

/** The entries, or undefined when the list is absent or empty (the structured sections are used instead). */
export function readContentChunks(r: FieldReader, value: unknown): ContentChunkEntry[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    r.problem('content_chunks', `must be a list, got ${describeValue(value)}`);
    return undefined;
  }
  const entries: ContentChunkEntry[] = [];
  value.forEach((element, index) => {
    if (element === null || element === undefined) return;
    const chunk = r.object(element, joinPath('content_chunks', index));
    if (chunk) entries.push(readChunk(r, chunk, index));
  });
  return entries.length > 0 ? entries : undefined;
}

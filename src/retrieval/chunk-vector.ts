/**
 * How a chunk is stored in Upstash Vector: its text as `data` (embedded by the index's model), everything else
 * in metadata, under the id `<prefix><chunk id>` so twinbot's vectors can be told apart from anything else in the
 * namespace and listed with a prefix range.
 */
import type { Chunk, TwinProfile } from '../core/types.js';

/** Prefix of the ids twinbot writes. */
export const DEFAULT_ID_PREFIX = 'twin:';

/** Metadata kept with every chunk vector. */
export interface ChunkVectorMetadata {
  [key: string]: unknown;
  chunkId: string;
  title: string;
  type: string;
  category: string;
  tags: string[];
  section: string[];
  /** The chunk's content hash: sync compares it to decide what changed. */
  hash: string;
  /** The profile version when this vector was written. */
  profileVersion: string;
  profileName: string;
}

export interface ChunkVector {
  id: string;
  data: string;
  metadata: ChunkVectorMetadata;
}

export function toChunkVector(
  chunk: Chunk,
  profile: Pick<TwinProfile, 'name' | 'version'>,
  idPrefix: string,
): ChunkVector {
  return {
    id: idPrefix + chunk.id,
    data: chunk.text,
    metadata: {
      chunkId: chunk.id,
      title: chunk.title,
      type: chunk.type,
      category: chunk.metadata.category,
      tags: [...chunk.metadata.tags],
      section: [...chunk.metadata.section],
      hash: chunk.hash,
      profileVersion: profile.version,
      profileName: profile.name,
    },
  };
}

/** The chunk a stored vector holds, or undefined when it is not one of ours (missing or malformed metadata). */
export function fromChunkVector(vector: { id: string | number; data?: string; metadata?: unknown }): Chunk | undefined {
  const m = vector.metadata as Partial<Record<keyof ChunkVectorMetadata, unknown>> | undefined;
  if (!m || typeof vector.data !== 'string') return undefined;
  const { chunkId, title, type, category, tags, section, hash } = m;
  if (typeof chunkId !== 'string' || typeof title !== 'string' || typeof hash !== 'string') return undefined;
  return {
    id: chunkId,
    title,
    type: typeof type === 'string' ? type : 'text',
    text: vector.data,
    metadata: {
      category: typeof category === 'string' ? category : '',
      tags: stringList(tags),
      section: stringList(section),
    },
    hash,
  };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

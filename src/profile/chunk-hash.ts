/**
 * Content hashes drive incremental sync: a chunk whose hash is unchanged is not re-embedded, and the profile
 * version (over every id and hash) tells a cache or an index whether it holds this exact profile.
 */
import { createHash } from 'node:crypto';
import type { Chunk } from '../core/types.js';

/** A chunk before its hash is computed. */
export type ChunkDraft = Omit<Chunk, 'hash'>;

/**
 * sha256 hex of a canonical form of everything retrievable about the chunk. A JSON array fixes the order and keeps
 * field boundaries unambiguous ("ab"+"c" and "a"+"bc" differ); the id is left out because it names, not describes.
 */
export function chunkHash(chunk: ChunkDraft): string {
  const { title, type, text, metadata } = chunk;
  const canonical = JSON.stringify([title, type, text, metadata.category, metadata.tags, metadata.section]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export function withHash(chunk: ChunkDraft): Chunk {
  return { ...chunk, hash: chunkHash(chunk) };
}

/** A short sha256 (16 hex digits) over the (id, hash) pairs sorted by id: independent of chunk order in the file. */
export function profileVersion(chunks: readonly Pick<Chunk, 'id' | 'hash'>[]): string {
  const pairs = chunks
    .map((chunk) => `${chunk.id}\u0000${chunk.hash}`)
    .sort()
    .join('\n');
  return createHash('sha256').update(pairs, 'utf8').digest('hex').slice(0, 16);
}

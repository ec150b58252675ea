/**
 * Incremental sync of a profile into its Upstash namespace: read what the index holds (a prefix range with
 * metadata), upsert only new or changed chunks in batches, delete the ones the profile dropped. Upserts go first
 * and deletes last, and the plan is recomputed from the index on every run, so a run that fails midway leaves
 * an index that the next run finishes; a second run in a row changes nothing.
 */
import { TwinError } from '../core/errors.js';
import type { Chunk, TwinProfile } from '../core/types.js';
import { type ChunkVector, DEFAULT_ID_PREFIX, toChunkVector } from './chunk-vector.js';
import {
  callUpstash,
  expectShape,
  openNamespace,
  type UpstashConnectionOptions,
  type UpstashNamespace,
} from './upstash-connection.js';

export type SyncPhase = 'reading' | 'resetting' | 'upserting' | 'deleting' | 'done';
/** Progress: `done` of `total` changes written in `phase`; while reading, `total` is 0 (not known yet). */
export type SyncProgress = (done: number, total: number, phase: SyncPhase) => void;

export interface SyncOptions extends UpstashConnectionOptions {
  /** Compute and report the plan, write nothing. */
  dryRun?: boolean;
  /** Clear the whole namespace first and write every chunk again. */
  reset?: boolean;
  /** Vectors per upsert or delete request. Default 50. */
  batchSize?: number;
  /** Prefix of twinbot's vector ids. Default "twin:". */
  idPrefix?: string;
  /** Longest wait for one request, in ms. Default 15000. */
  timeoutMs?: number;
  onProgress?: SyncProgress;
}

export interface SyncResult {
  added: number;
  updated: number;
  removed: number;
  unchanged: number;
  dryRun: boolean;
  reset: boolean;
  namespace: string;
  profileVersion: string;
}

/** What the index holds for one of twinbot's vectors. */
export interface IndexedChunk {
  vectorId: string;
  chunkId?: string;
  hash?: string;
  profileVersion?: string;
  profileName?: string;
}

export interface SyncPlan {
  add: Chunk[];
  update: Chunk[];
  /** Vector ids to delete. */
  remove: string[];
  unchanged: Chunk[];
}

export interface IndexVersionStatus {
  status: 'up_to_date' | 'out_of_date' | 'empty';
  profileVersion: string;
  /** Chunks of the profile the index lacks, holds with another hash, and vectors the profile no longer has. */
  missing: number;
  changed: number;
  extra: number;
  /** Profile versions recorded on the vectors the index holds. */
  indexedVersions: string[];
}

const DEFAULT_BATCH = 50;
const DEFAULT_SYNC_TIMEOUT_MS = 15_000;
const RANGE_PAGE = 100;
/** Upstash keeps at most 48 KB of metadata per vector; stay clear of it. */
const MAX_METADATA_BYTES = 40 * 1024;

/** Compares the profile's chunks with what the index holds. Pure. */
export function planSync(
  profile: Pick<TwinProfile, 'name' | 'chunks'>,
  indexed: ReadonlyMap<string, IndexedChunk>,
  idPrefix = DEFAULT_ID_PREFIX,
): SyncPlan {
  const plan: SyncPlan = { add: [], update: [], remove: [], unchanged: [] };
  const wanted = new Set<string>();
  for (const chunk of profile.chunks) {
    const vectorId = idPrefix + chunk.id;
    wanted.add(vectorId);
    const held = indexed.get(vectorId);
    if (!held) plan.add.push(chunk);
    else if (held.hash !== chunk.hash || held.profileName !== profile.name) plan.update.push(chunk);
    else plan.unchanged.push(chunk);
  }
  for (const vectorId of indexed.keys()) if (!wanted.has(vectorId)) plan.remove.push(vectorId);
  return plan;
}

/** Syncs `profile` into the namespace and says what changed (or, with `dryRun`, what would). */
export async function syncProfile(profile: TwinProfile, options: SyncOptions): Promise<SyncResult> {
  const idPrefix = options.idPrefix ?? DEFAULT_ID_PREFIX;
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);
  const timeoutMs = options.timeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  const progress = options.onProgress ?? (() => {});
  const vectors = checkedVectors(profile, idPrefix);
  const ns = openNamespace({ ...options, retries: options.retries ?? 2 }, timeoutMs);
  const where = `namespace "${options.namespace}"`;

  const indexed = await readIndexed(ns, options, idPrefix, timeoutMs, (n) => progress(n, 0, 'reading'));
  const plan = planSync(profile, options.reset ? new Map() : indexed, idPrefix);
  const result: SyncResult = {
    added: plan.add.length,
    updated: plan.update.length,
    removed: plan.remove.length,
    unchanged: plan.unchanged.length,
    dryRun: options.dryRun === true,
    reset: options.reset === true,
    namespace: options.namespace,
    profileVersion: profile.version,
  };
  if (options.reset) {
    // Rewriting everything: chunks the index held count as updated, vectors the profile dropped as removed.
    const held = new Set(indexed.keys());
    result.added = plan.add.filter((c) => !held.has(idPrefix + c.id)).length;
    result.updated = plan.add.length - result.added;
    result.removed = [...held].filter((id) => !vectors.has(id)).length;
  }
  if (options.dryRun) {
    progress(0, 0, 'done');
    return result;
  }

  if (options.reset) {
    progress(0, 0, 'resetting');
    await callUpstash(options, `resetting ${where}`, timeoutMs, undefined, () => ns.reset());
  }
  const upserts = [...plan.add, ...plan.update].map((c) => vectors.get(idPrefix + c.id)!);
  const total = upserts.length + plan.remove.length;
  let done = 0;
  if (total > 0) progress(0, total, upserts.length > 0 ? 'upserting' : 'deleting');
  for (let i = 0; i < upserts.length; i += batchSize) {
    const batch = upserts.slice(i, i + batchSize);
    await step(
      `upserting chunks ${i + 1}-${i + batch.length} of ${upserts.length}`,
      batch.map((v) => v.id),
      () => ns.upsert(batch),
    );
    done += batch.length;
    progress(done, total, 'upserting');
  }
  for (let i = 0; i < plan.remove.length; i += batchSize) {
    const batch = plan.remove.slice(i, i + batchSize);
    await step(`deleting vectors ${i + 1}-${i + batch.length} of ${plan.remove.length}`, batch, () => ns.delete(batch));
    done += batch.length;
    progress(done, total, 'deleting');
  }
  progress(done, total, 'done');
  return result;

  async function step(what: string, ids: string[], call: () => Promise<unknown>): Promise<void> {
    try {
      await callUpstash(options, `${what} in ${where}`, timeoutMs, undefined, call);
    } catch (err) {
      const e = err as TwinError;
      const span = ids.length > 1 ? `${ids[0]} … ${ids[ids.length - 1]}` : (ids[0] ?? '');
      throw new TwinError(
        e.code,
        `sync of profile "${profile.name}" stopped: ${e.message} [${span}]. ${done} of ${total} changes were written; ` +
          'the index is consistent chunk by chunk, run the ingest again to finish.',
        { retryable: e.retryable, status: e.status, cause: err },
      );
    }
  }
}

/** Compares the index with the profile, for the start-up warning ("the index is out of date, run ingest"). */
export async function checkIndexVersion(
  profile: TwinProfile,
  options: UpstashConnectionOptions & { idPrefix?: string; timeoutMs?: number },
): Promise<IndexVersionStatus> {
  const idPrefix = options.idPrefix ?? DEFAULT_ID_PREFIX;
  const timeoutMs = options.timeoutMs ?? 5000;
  const ns = openNamespace(options, timeoutMs);
  const indexed = await readIndexed(ns, options, idPrefix, timeoutMs, () => {});
  const plan = planSync(profile, indexed, idPrefix);
  const versions = new Set<string>();
  for (const entry of indexed.values()) if (entry.profileVersion) versions.add(entry.profileVersion);
  const outOfDate = plan.add.length + plan.update.length + plan.remove.length > 0;
  return {
    status: indexed.size === 0 ? 'empty' : outOfDate ? 'out_of_date' : 'up_to_date',
    profileVersion: profile.version,
    missing: plan.add.length,
    changed: plan.update.length,
    extra: plan.remove.length,
    indexedVersions: [...versions].sort(),
  };
}

/** Every twinbot vector in the namespace (ids under the prefix) with its hash and versions. */
async function readIndexed(
  ns: UpstashNamespace,
  options: UpstashConnectionOptions,
  idPrefix: string,
  timeoutMs: number,
  onPage: (read: number) => void,
): Promise<Map<string, IndexedChunk>> {
  const indexed = new Map<string, IndexedChunk>();
  const action = `reading namespace "${options.namespace}"`;
  let cursor: string | number = 0;
  // Bounded so a misbehaving server cannot loop us forever.
  for (let page = 0; page < 100_000; page++) {
    const raw = await callUpstash(options, action, timeoutMs, undefined, () =>
      ns.range({ cursor, limit: RANGE_PAGE, prefix: idPrefix, includeMetadata: true }),
    );
    const { nextCursor, vectors } = expectShape<{
      nextCursor: string;
      vectors: { id: string | number; metadata?: unknown }[];
    }>(
      raw,
      (v) => typeof v === 'object' && v !== null && Array.isArray((v as { vectors?: unknown }).vectors),
      options.url,
      action,
    );
    for (const v of vectors) {
      const m = (v.metadata ?? {}) as Record<string, unknown>;
      indexed.set(String(v.id), {
        vectorId: String(v.id),
        chunkId: str(m.chunkId),
        hash: str(m.hash),
        profileVersion: str(m.profileVersion),
        profileName: str(m.profileName),
      });
    }
    onPage(indexed.size);
    if (!nextCursor || String(nextCursor) === String(cursor)) break;
    cursor = nextCursor;
  }
  return indexed;
}

/** The vectors to write, keyed by vector id, after checks that keep a bad profile from being half-synced. */
function checkedVectors(profile: TwinProfile, idPrefix: string): Map<string, ChunkVector> {
  const vectors = new Map<string, ChunkVector>();
  const problems: string[] = [];
  for (const [i, chunk] of profile.chunks.entries()) {
    const place = `chunk ${i + 1} ("${chunk.id}")`;
    if (chunk.id.trim().length === 0) problems.push(`chunk ${i + 1} has an empty id`);
    if (chunk.text.trim().length === 0) problems.push(`${place} has no text`);
    const vector = toChunkVector(chunk, profile, idPrefix);
    if (vectors.has(vector.id)) problems.push(`${place} repeats an id used by an earlier chunk`);
    const bytes = Buffer.byteLength(JSON.stringify(vector.metadata));
    if (bytes > MAX_METADATA_BYTES)
      problems.push(`${place} has ${bytes} bytes of metadata (at most ${MAX_METADATA_BYTES})`);
    vectors.set(vector.id, vector);
  }
  if (problems.length > 0) {
    throw new TwinError(
      'profile',
      `profile "${profile.name}" cannot be synced, nothing was written: ${problems.join('; ')}`,
    );
  }
  return vectors;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

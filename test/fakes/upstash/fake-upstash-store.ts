/**
 * The fake Upstash's data: namespaces of vectors and the commands of the REST protocol that read and change them
 * (upsert-data, upsert, query-data, query, fetch, range, delete, reset, info, list-namespaces, delete-namespace).
 */
import { EMBEDDING_DIMENSIONS, embed, similarityScore } from './hashed-embedding.js';

export interface StoredVector {
  id: string;
  vector: number[];
  data?: string;
  metadata?: Record<string, unknown>;
}

/** Upstash's per-vector metadata limit. */
const MAX_METADATA_BYTES = 48 * 1024;

/** A failure answered with this HTTP status and `{"error": message}`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Namespace name ("" is the default) -> vector id -> vector. */
export type Namespaces = Map<string, Map<string, StoredVector>>;

type Json = Record<string, unknown>;

/** Runs one command on `store`; throws HttpError for what Upstash would refuse. */
export function execute(store: Namespaces, command: string, ns: string, all: boolean, body: unknown): unknown {
  const vectors = (create: boolean): Map<string, StoredVector> => {
    let map = store.get(ns);
    if (!map) {
      if (!create) return new Map();
      map = new Map();
      store.set(ns, map);
    }
    return map;
  };
  switch (command) {
    case 'upsert-data':
    case 'upsert': {
      const items = (Array.isArray(body) ? body : [body]) as Json[];
      const parsed = items.map((item) => toStored(item, command === 'upsert-data'));
      const map = vectors(true);
      for (const v of parsed) map.set(v.id, v);
      return 'Success';
    }
    case 'query-data':
    case 'query': {
      const map = vectors(false);
      if (Array.isArray(body)) {
        const results = body.map((q) => runQuery(map, q as Json, command === 'query-data'));
        // why: Upstash answers a one-query batch with a flat list (the client normalises it).
        return results.length === 1 ? results[0] : results;
      }
      return runQuery(map, asObject(body), command === 'query-data');
    }
    case 'fetch': {
      const q = asObject(body);
      const map = vectors(false);
      if (typeof q.prefix === 'string') {
        const prefix = q.prefix;
        return sorted(map)
          .filter((v) => v.id.startsWith(prefix))
          .map((v) => view(v, q));
      }
      if (!Array.isArray(q.ids)) throw new HttpError(400, 'fetch needs "ids" or "prefix"');
      return q.ids.map((id) => {
        const v = map.get(String(id));
        return v ? view(v, q) : null;
      });
    }
    case 'range': {
      const q = asObject(body);
      const limit = q.limit;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
        throw new HttpError(400, 'range needs a positive integer "limit"');
      }
      const start = Number(q.cursor ?? 0) || 0;
      const prefix = typeof q.prefix === 'string' ? q.prefix : '';
      const list = sorted(vectors(false)).filter((v) => v.id.startsWith(prefix));
      const page = list.slice(start, start + limit);
      const next = start + limit < list.length ? String(start + limit) : '';
      return { nextCursor: next, vectors: page.map((v) => view(v, q)) };
    }
    case 'delete': {
      const map = vectors(false);
      const q: Json = Array.isArray(body) ? { ids: body } : asObject(body);
      let deleted = 0;
      if (Array.isArray(q.ids)) {
        for (const id of q.ids) if (map.delete(String(id))) deleted++;
      } else if (typeof q.prefix === 'string') {
        for (const id of [...map.keys()]) if (id.startsWith(q.prefix) && map.delete(id)) deleted++;
      } else {
        throw new HttpError(400, 'delete needs "ids" or "prefix" (the fake does not evaluate filters)');
      }
      return { deleted };
    }
    case 'reset': {
      if (all) for (const map of store.values()) map.clear();
      else vectors(false).clear();
      return 'Success';
    }
    case 'info': {
      let total = 0;
      const namespaces: Record<string, { vectorCount: number; pendingVectorCount: number }> = {};
      for (const [name, map] of store) {
        total += map.size;
        namespaces[name] = { vectorCount: map.size, pendingVectorCount: 0 };
      }
      return {
        vectorCount: total,
        pendingVectorCount: 0,
        indexSize: total * EMBEDDING_DIMENSIONS * 4,
        dimension: EMBEDDING_DIMENSIONS,
        similarityFunction: 'COSINE',
        denseIndex: { dimension: EMBEDDING_DIMENSIONS, similarityFunction: 'COSINE', embeddingModel: 'FAKE_HASHED' },
        namespaces,
      };
    }
    case 'list-namespaces':
      return [...store.keys()];
    case 'delete-namespace': {
      if (ns === '') throw new HttpError(400, 'The default namespace cannot be deleted');
      if (!store.delete(ns)) throw new HttpError(404, `Namespace ${ns} does not exist`);
      return 'Success';
    }
    default:
      throw new HttpError(404, `Unknown command: ${command}`);
  }
}

function asObject(body: unknown): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'Request body must be a JSON object');
  }
  return body as Json;
}

function toStored(item: Json, fromData: boolean): StoredVector {
  if (item === null || typeof item !== 'object') throw new HttpError(400, 'Each vector must be an object');
  if (typeof item.id !== 'string' && typeof item.id !== 'number') throw new HttpError(400, 'Vector id is missing');
  if (item.metadata !== undefined) {
    if (item.metadata === null || typeof item.metadata !== 'object')
      throw new HttpError(400, 'metadata must be an object');
    if (Buffer.byteLength(JSON.stringify(item.metadata)) > MAX_METADATA_BYTES) {
      throw new HttpError(400, `Metadata of vector ${item.id} exceeds ${MAX_METADATA_BYTES} bytes`);
    }
  }
  let vector: number[];
  if (fromData) {
    if (typeof item.data !== 'string' || item.data.trim() === '')
      throw new HttpError(400, `Vector ${item.id} has no data`);
    vector = embed(item.data);
  } else {
    if (!Array.isArray(item.vector) || item.vector.length !== EMBEDDING_DIMENSIONS) {
      throw new HttpError(400, `Invalid vector dimension: expected ${EMBEDDING_DIMENSIONS}`);
    }
    vector = item.vector.map(Number);
  }
  const stored: StoredVector = { id: String(item.id), vector };
  if (typeof item.data === 'string') stored.data = item.data;
  if (item.metadata !== undefined) stored.metadata = structuredClone(item.metadata as Record<string, unknown>);
  return stored;
}

function runQuery(map: Map<string, StoredVector>, q: Json, fromData: boolean): unknown[] {
  const topK = q.topK;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
    throw new HttpError(400, 'topK must be a positive integer');
  }
  if (q.filter !== undefined && q.filter !== '') throw new HttpError(400, 'The fake does not evaluate filters');
  let target: number[];
  if (fromData) {
    if (typeof q.data !== 'string') throw new HttpError(400, 'query-data needs "data"');
    target = embed(q.data);
  } else {
    if (!Array.isArray(q.vector)) throw new HttpError(400, 'query needs "vector"');
    target = q.vector.map(Number);
  }
  return sorted(map)
    .map((v) => ({ v, score: similarityScore(target, v.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, topK)
    .map(({ v, score }) => ({ ...view(v, q), score }));
}

function sorted(map: Map<string, StoredVector>): StoredVector[] {
  return [...map.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function view(v: StoredVector, q: Json): Json {
  const out: Json = { id: v.id };
  if (q.includeVectors === true) out.vector = v.vector;
  if (q.includeMetadata === true && v.metadata !== undefined) out.metadata = v.metadata;
  if (q.includeData === true && v.data !== undefined) out.data = v.data;
  return out;
}

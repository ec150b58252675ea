/** The retrieval module's public API: retrievers, the fallback, sync and the Upstash namespace helpers. */
export { DEFAULT_ID_PREFIX } from './chunk-vector.js';
export {
  DEFAULT_EMBEDDED_MIN_SCORE,
  EmbeddedProfileRetriever,
  type EmbeddedRetrieverOptions,
  type EmbeddedSearchHit,
} from './embedded-profile-retriever.js';
export { FallbackProfileRetriever, type FallbackRetrieverOptions } from './fallback-profile-retriever.js';
export {
  checkIndexVersion,
  type IndexVersionStatus,
  planSync,
  type SyncOptions,
  type SyncPhase,
  type SyncPlan,
  type SyncProgress,
  type SyncResult,
  syncProfile,
} from './profile-sync.js';
export { checkNamespace, namespaceFor, type UpstashConnectionOptions } from './upstash-connection.js';
export {
  DEFAULT_UPSTASH_MIN_SCORE,
  DEFAULT_UPSTASH_TIMEOUT_MS,
  UpstashProfileRetriever,
  type UpstashRetrieverOptions,
} from './upstash-profile-retriever.js';

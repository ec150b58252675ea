/** The profile module: load a `digitaltwin.json` (shared/PROFILE.md) into the core's `TwinProfile`. */
export { chunkHash, profileVersion } from './chunk-hash.js';
export { type ChunkOptions, type ChunkResult, chunkProfile } from './chunk-profile.js';
export { DEFAULT_MAX_PROFILE_BYTES, type LoadProfileOptions, loadProfile } from './load-profile.js';
export { type ProfileLoadResult, type ProfileOptions, parseProfile } from './parse-profile.js';
export { ProfileError } from './profile-error.js';
export { MAX_CHUNK_CHARS, splitLongText } from './split-long-text.js';

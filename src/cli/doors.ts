/**
 * Wiring of the doors beyond chat (issue 15): the OpenAI-compatible API and MCP over HTTP on PORT, and the profile
 * search that `search_profile` shares with `twinbot search`.
 */
import { readFileSync } from 'node:fs';
import type { RouteHandler } from '../adapters/http/health-server.js';
import type { ProfileSearch } from '../adapters/mcp/twin-mcp-server.js';
import type { Config } from '../config.js';
import type { Logger } from '../core/ports.js';
import type { App } from '../main.js';
import { describeReason } from '../retrieval/guided-profile-retriever.js';
import type { SearchableRetriever, SearchHitLike } from './search-command.js';

/** A door on PORT: the contract every adapter is moving to (start, stop with a grace period, health). */
export interface HttpDoor {
  name: string;
  handle: RouteHandler;
  start(): Promise<void>;
  stop(graceMs: number): Promise<void>;
  health(): { status: string };
}

/** twinbot's version, for the MCP server's initialize answer. */
export const TWINBOT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** `twinbot search --json`'s results, for `search_profile`. */
export function profileSearch(retriever: SearchableRetriever): ProfileSearch {
  return async (question, topK) => {
    const hits: SearchHitLike[] = retriever.search
      ? await retriever.search(question, topK)
      : (await retriever.retrieve(question, { topK })).map((r) => ({ ...r, accepted: true }));
    return hits.map((h, i) => ({
      rank: i + 1,
      id: h.chunk.id,
      title: h.chunk.title,
      score: h.score,
      accepted: h.accepted !== false,
      why: h.reasons ? h.reasons.map(describeReason) : h.matched ? [`words: ${h.matched.join(', ')}`] : [],
      text: h.chunk.text,
    }));
  };
}

/**
 * The HTTP doors the configuration asks for (none without TWIN_API_KEYS). why the imports here: the MCP SDK and its
 * zod schemas cost a start without these doors tens of ms and about 10 MB, so they load only when configured.
 */
export async function buildHttpDoors(app: App, config: Config, logger: Logger): Promise<HttpDoor[]> {
  if (!config.api) return [];
  const { OpenAiApiAdapter } = await import('../adapters/openai-api/openai-api-adapter.js');
  const api = new OpenAiApiAdapter({
    twin: app.twin,
    clients: config.api.clients,
    corsOrigins: config.api.corsOrigins,
    logger: logger.child({ platform: 'api' }),
  });
  const doors: HttpDoor[] = [{ name: 'openai-api', handle: (q, s) => api.handle(q, s), ...bind(api) }];
  if (config.api.mcp) {
    const { McpHttpDoor } = await import('../adapters/mcp/mcp-http-door.js');
    const mcp = new McpHttpDoor({
      twin: app.twin,
      search: profileSearch(app.retriever),
      clients: config.api.clients,
      logger: logger.child({ platform: 'mcp' }),
      version: TWINBOT_VERSION,
    });
    doors.push({ name: 'mcp-http', handle: (q, s) => mcp.handle(q, s), ...bind(mcp) });
  }
  return doors;
}

function bind(door: Omit<HttpDoor, 'name' | 'handle'>): Omit<HttpDoor, 'name' | 'handle'> {
  return { start: () => door.start(), stop: (ms) => door.stop(ms), health: () => door.health() };
}

/**
 * The twin as an MCP server (issue 15): the tools `ask_twin` and `search_profile` and the profile overview as a
 * resource, on the official SDK. Transport-agnostic: the stdio and Streamable HTTP doors connect it.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { TwinService } from '../../core/twin-service.js';
import type { Answer, Turn } from '../../core/types.js';

/** One candidate of `search_profile`, as `twinbot search --json` shows it. */
export interface ProfileSearchHit {
  rank: number;
  id: string;
  title: string;
  score: number;
  /** False below the retriever's minimum score: the twin would not answer from it alone. */
  accepted: boolean;
  /** Why it was picked ("type: current role", "named: Atlas", "words: kubernetes"). */
  why: string[];
  text: string;
}

/** What `twinbot search` runs, wired in by the CLI (adapters never reach into retrieval). */
export type ProfileSearch = (question: string, topK: number) => Promise<ProfileSearchHit[]>;

export interface TwinMcpServerOptions {
  twin: TwinService;
  search: ProfileSearch;
  /** The tenant a call is metered under; asked at call time (stdio reads the client's name from initialize). */
  tenant: (server: McpServer) => string;
  /** The ledger's user and channel for a call. */
  userId: (server: McpServer) => string;
  channelId: string;
  version: string;
}

export const OVERVIEW_URI = 'twin://profile/overview';

const sourceShape = z.object({ chunk_id: z.string(), title: z.string(), score: z.number() });

export function buildTwinMcpServer(o: TwinMcpServerOptions): McpServer {
  const profile = o.twin.profile;
  const server = new McpServer(
    { name: 'twinbot', version: o.version },
    {
      instructions: `The digital twin of ${profile.name}: ask_twin answers questions about their experience, skills, projects, education and goals in the first person, from their profile.`,
    },
  );

  server.registerTool(
    'ask_twin',
    {
      title: `Ask ${profile.name}'s twin`,
      description: `Ask the digital twin of ${profile.name} a question about their experience, skills, projects, education or goals. Answers in the first person, grounded in the profile, with the passages it used.`,
      inputSchema: {
        question: z.string().describe('The question, e.g. "Where did you study?"'),
        history: z
          .array(z.object({ role: z.enum(['user', 'twin', 'assistant']), text: z.string() }))
          .max(100)
          .optional()
          .describe('Earlier turns of the conversation, oldest first (assistant = the twin).'),
      },
      outputSchema: { answer: z.string(), sources: z.array(sourceShape), mode: z.string() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question, history }, extra) => {
      const turns: Turn[] = (history ?? []).map((t) => ({ role: t.role === 'user' ? 'user' : 'twin', text: t.text }));
      for await (const event of o.twin.ask({
        platform: 'mcp',
        tenantId: o.tenant(server),
        channelId: o.channelId,
        userId: o.userId(server),
        command: 'ask_twin',
        question,
        history: turns,
        signal: extra.signal,
      })) {
        if (event.type === 'failure') {
          return { content: [{ type: 'text' as const, text: event.failure.message }], isError: true };
        }
        if (event.type === 'final') return answerResult(event.answer);
      }
      return { content: [{ type: 'text' as const, text: 'The twin gave no answer.' }], isError: true };
    },
  );

  server.registerTool(
    'search_profile',
    {
      title: 'Search the profile',
      description:
        "What the twin would retrieve for a question (as `twinbot search` shows it): the profile's passages, ranked, with scores and why each was picked. No language model is called.",
      inputSchema: {
        question: z.string().min(1).max(2000).describe('The question to search for'),
        top: z.number().int().min(1).max(50).optional().describe('How many passages (default 5)'),
      },
      outputSchema: {
        results: z.array(
          z.object({
            rank: z.number(),
            id: z.string(),
            title: z.string(),
            score: z.number(),
            accepted: z.boolean(),
            why: z.array(z.string()),
            text: z.string(),
          }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question, top }) => {
      const results = await o.search(question, top ?? 5);
      const lines = results.map(
        (r) =>
          `${r.rank}. ${r.score.toFixed(3)} ${r.id} ${r.title}${r.accepted ? '' : ' (below the minimum score)'}` +
          `${r.why.length > 0 ? ` [${r.why.join('; ')}]` : ''}\n   ${r.text}`,
      );
      const text = lines.length > 0 ? lines.join('\n') : 'Nothing in the profile matches this question.';
      return { content: [{ type: 'text' as const, text }], structuredContent: { results } };
    },
  );

  server.registerResource(
    'profile-overview',
    OVERVIEW_URI,
    {
      title: `${profile.name}: profile overview`,
      description: 'Who the person is at a glance: role, place, summary, roles, projects, education.',
      mimeType: 'text/plain',
    },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: profile.overview.text }] }),
  );
  return server;
}

function answerResult(answer: Answer) {
  const sources = answer.sources.map((s) => ({ chunk_id: s.chunkId, title: s.title, score: s.score }));
  const titles = [...new Set(answer.sources.map((s) => s.title))];
  const text = titles.length > 0 ? `${answer.text}\n\nSources: ${titles.join(', ')}` : answer.text;
  return {
    content: [{ type: 'text' as const, text }],
    structuredContent: { answer: answer.text, sources, mode: answer.mode },
  };
}

/** `mcp:<client name>`, from what the client said in initialize, reduced to the tenant form `mcp:[\w.-]+`. */
export function mcpClientTenant(clientName: string | undefined): string {
  const clean = (clientName ?? '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\w.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64);
  return `mcp:${clean || 'unknown'}`;
}

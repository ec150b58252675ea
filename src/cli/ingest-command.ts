/**
 * `twinbot ingest`: sync the profile into its Upstash namespace, drawing progress (one redrawn line on a terminal,
 * a few plain lines otherwise) and ending with what changed.
 */
import type { TwinProfile } from '../core/types.js';
import { type SyncPhase, type SyncResult, syncProfile } from '../retrieval/profile-sync.js';

export interface IngestOptions {
  profile: TwinProfile;
  url: string;
  token: string;
  namespace: string;
  dryRun: boolean;
  reset: boolean;
  out: NodeJS.WritableStream;
  /** Redraw one progress line (a terminal) or print plain lines (a pipe, a CI log). */
  isTTY: boolean;
  /** Vectors per request (default 50). */
  batchSize?: number;
  /** Longest wait for one Upstash request, in ms. */
  timeoutMs?: number;
  /** Extra tries when a request cannot be sent (default 2). */
  retries?: number;
}

const BAR_WIDTH = 24;

const PHASE_WORDS: Record<SyncPhase, string> = {
  reading: 'reading the index',
  resetting: 'clearing the namespace',
  upserting: 'writing chunks',
  deleting: 'deleting removed chunks',
  done: 'done',
};

/** Runs the sync and prints it. Throws the sync's TwinError (after finishing the progress line) on failure. */
export async function runIngest(opts: IngestOptions): Promise<SyncResult> {
  const { profile, out } = opts;
  const count = `${profile.chunks.length} chunk${profile.chunks.length === 1 ? '' : 's'}`;
  out.write(
    opts.dryRun
      ? `Dry run: comparing "${profile.name}" (version ${profile.version}, ${count}) with Upstash namespace "${opts.namespace}"; nothing will be written.\n`
      : `Syncing "${profile.name}" (version ${profile.version}, ${count}) into Upstash namespace "${opts.namespace}"${opts.reset ? ' after clearing it' : ''}.\n`,
  );
  const progress = opts.isTTY ? new TtyProgress(out) : new PlainProgress(out);
  let result: SyncResult;
  try {
    result = await syncProfile(profile, {
      url: opts.url,
      token: opts.token,
      namespace: opts.namespace,
      dryRun: opts.dryRun,
      reset: opts.reset,
      batchSize: opts.batchSize,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      onProgress: (done, total, phase) => progress.update(done, total, phase),
    });
  } finally {
    progress.end();
  }
  out.write(`${summaryLine(result)}\n`);
  return result;
}

/** "Added 3, updated 1, removed 0, unchanged 12." with the dry-run and up-to-date cases said plainly. */
export function summaryLine(r: SyncResult): string {
  const counts = `added ${r.added}, updated ${r.updated}, removed ${r.removed}, unchanged ${r.unchanged}`;
  if (r.dryRun) return `Dry run, nothing written. Would have ${counts}.`;
  const line = `${counts.charAt(0).toUpperCase()}${counts.slice(1)}.`;
  return r.added + r.updated + r.removed === 0 ? `${line} The index was already up to date.` : line;
}

interface Progress {
  update(done: number, total: number, phase: SyncPhase): void;
  end(): void;
}

/** One line, redrawn in place: `[#########---------------]  9/24 writing chunks`. */
class TtyProgress implements Progress {
  private drawn = false;
  constructor(private readonly out: NodeJS.WritableStream) {}

  update(done: number, total: number, phase: SyncPhase): void {
    if (phase === 'done') return;
    const filled = total > 0 ? Math.round((done / total) * BAR_WIDTH) : 0;
    const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
    const count = phase === 'reading' ? `${done} found` : `${done}/${total}`;
    // why: \r returns to the line start and ESC[2K clears it, so a shorter line leaves no leftovers.
    this.out.write(`\r\u001b[2K${bar} ${count} ${PHASE_WORDS[phase]}`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** A line when a phase starts and one when the writing ends: readable in a log. */
class PlainProgress implements Progress {
  private phase: SyncPhase | undefined;
  private last = '';
  constructor(private readonly out: NodeJS.WritableStream) {}

  update(done: number, total: number, phase: SyncPhase): void {
    if (phase === 'reading') {
      this.last = `Index holds ${done} of this profile's vectors.`;
      this.phase = phase;
      return;
    }
    if (this.phase === 'reading') this.flush();
    if (phase !== this.phase && phase !== 'done') {
      const what = phase === 'upserting' || phase === 'deleting' ? ` (${total} change${total === 1 ? '' : 's'})` : '';
      this.out.write(`${PHASE_WORDS[phase].charAt(0).toUpperCase()}${PHASE_WORDS[phase].slice(1)}${what}…\n`);
    }
    if (phase === 'done' && total > 0) this.out.write(`Wrote ${done}/${total} changes.\n`);
    this.phase = phase;
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    if (this.last) this.out.write(`${this.last}\n`);
    this.last = '';
  }
}

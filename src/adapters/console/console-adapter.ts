/**
 * The console: an interactive chat on a terminal, or a scriptable filter when stdin is not a terminal
 * (DESIGN.md: answers only on stdout, one line each, every answer awaited, exit 0 at end of input).
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { AdapterHealth, PlatformAdapter } from '../../core/platform-adapter.js';
import { settleWithin } from '../../core/platform-adapter.js';
import { CONSOLE_TENANT as CONSOLE_TENANT_VALUE } from '../../core/tenant.js';
import type { TwinService } from '../../core/twin-service.js';
import type { Answer, Turn } from '../../core/types.js';
import { parseWindow } from '../../core/usage-report.js';

/** The console's stored tenant key. */
export const CONSOLE_TENANT = CONSOLE_TENANT_VALUE.key;

export interface ConsoleAdapterOptions {
  twin: TwinService;
  input: Readable;
  output: Writable & { columns?: number };
  /** Notes that are not answers (offline notice, sources in scripted mode go nowhere). */
  errorOutput: Writable;
  /** Interactive chat (banner, streaming, colours) versus scripted one-line answers. */
  interactive: boolean;
  userId?: string;
  /** Turns of conversation kept as history for follow-ups. */
  historyTurns?: number;
}

/**
 * Terminal escape sequences (colours, cursor moves, screen clears, OSC 8 hyperlinks that hide their address, window
 * titles) and other control characters, except newline and tab.
 */
const TERMINAL_CONTROL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /\u001b\][\s\S]*?(?:\u0007|\u001b\\|$)|\u001b\[[0-?]*[ -/]*[@-~]|\u001b[ -~]?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Text from the model (or anyone else) made safe to print: it cannot restyle, move, clear or link the terminal. */
export function printable(text: string): string {
  return text.replace(TERMINAL_CONTROL, '');
}

const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;
const bold = (s: string) => `\x1b[1m${s}\x1b[22m`;

export function sourcesLine(answer: Answer): string | undefined {
  const titles = [...new Set(answer.sources.map((s) => printable(s.title)))];
  return titles.length > 0 ? `Sources: ${titles.join(', ')}` : undefined;
}

export class ConsoleAdapter implements PlatformAdapter {
  readonly name = 'console';
  private readonly history: Turn[] = [];
  private readonly startedAt = Date.now();
  private rl?: ReturnType<typeof createInterface>;
  private running?: Promise<void>;
  private answering = 0;
  private stopped = false;

  constructor(private readonly options: ConsoleAdapterOptions) {}

  /** Runs until end of input or `exit`; resolves when every answer has been written. */
  async run(): Promise<void> {
    const { input, interactive } = this.options;
    const rl = createInterface({ input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    this.rl = rl;
    if (interactive) this.banner();
    const prompt = () => interactive && this.options.output.write(bold('you › '));
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      // why: `exit` ends the chat in scripted mode too; answered as a question it was recorded and billed.
      if (/^\/?(exit|quit)$/i.test(line)) break;
      if (interactive && line === '') {
        prompt();
        continue;
      }
      if (interactive && line.startsWith('/usage')) {
        await this.showUsage(line.slice('/usage'.length));
      } else if (interactive && line === '/help') {
        this.banner();
      } else {
        this.answering += 1;
        await this.ask(line).finally(() => {
          this.answering -= 1;
        });
      }
      prompt();
    }
    rl.close();
    if (interactive) await this.farewell();
  }

  /** The PlatformAdapter contract: starts the chat and returns at once; `stop` (or end of input) ends it. */
  async start(): Promise<void> {
    this.running ??= this.run();
  }

  /** Resolves when the chat started by `start` has ended (end of input, `exit`, or `stop`). */
  get done(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /**
   * Ends the chat after the current answer (SIGINT/SIGTERM); `run` then prints the farewell and resolves. Waits up
   * to `graceMs` for that (absent: not at all, as a signal handler needs).
   */
  async stop(graceMs?: number): Promise<void> {
    this.stopped = true;
    this.rl?.close();
    if (graceMs !== undefined && this.running) await settleWithin(this.running, graceMs);
  }

  health(): AdapterHealth {
    const state = this.stopped ? (this.answering > 0 ? 'stopping' : 'stopped') : this.rl ? 'running' : 'idle';
    return { state, inFlight: this.answering };
  }

  private banner(): void {
    const { twin, output } = this.options;
    const p = twin.profile;
    const who = p.title ? `${p.name} — ${p.title}` : p.name;
    output.write(`\n${bold(`Digital twin of ${who}`)}\n`);
    output.write(
      dim(
        twin.online
          ? 'Answers come from the language model, grounded in the profile.\n'
          : 'No GROQ_API_KEY: answers are passages from the profile (offline mode).\n',
      ),
    );
    if (p.exampleQuestions.length > 0) {
      output.write(`Try: ${p.exampleQuestions.map((q) => `“${q}”`).join('  ')}\n`);
    }
    output.write(dim('Commands: /usage [24h|7d|30d], /help, exit or quit (or Ctrl-C) to leave.\n\n'));
  }

  private async ask(question: string): Promise<void> {
    const { twin, output, interactive } = this.options;
    let text = '';
    let status = '';
    let printedRows = 0;
    const columns = () => Math.max(20, output.columns ?? 80);
    const erase = () => {
      if (status) output.write('\r\x1b[K');
      status = '';
      if (printedRows > 0) output.write(`\r\x1b[${printedRows - 1 > 0 ? `${printedRows - 1}F` : '0G'}\x1b[J`);
      printedRows = 0;
    };
    const rows = (s: string) => s.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / columns())), 0);

    for await (const event of twin.ask({
      platform: 'console',
      tenantId: CONSOLE_TENANT,
      tenant: CONSOLE_TENANT_VALUE,
      channelId: interactive ? 'terminal' : 'stdin',
      userId: this.options.userId ?? 'local',
      command: 'console',
      question,
      history: this.history,
    })) {
      switch (event.type) {
        case 'status':
          if (interactive && text === '') {
            output.write(`\r\x1b[K${dim(event.text)}`);
            status = event.text;
          }
          break;
        case 'delta': {
          const shown = printable(event.text);
          text += shown;
          if (interactive) {
            if (status) output.write('\r\x1b[K');
            status = '';
            output.write(shown);
            printedRows = rows(text);
          }
          break;
        }
        case 'reset':
          if (interactive) erase();
          text = '';
          break;
        case 'final': {
          const answer = event.answer;
          this.remember(question, answer.text);
          if (interactive) {
            if (text === '') output.write(`\r\x1b[K${printable(answer.text)}`);
            output.write('\n');
            const sources = sourcesLine(answer);
            if (sources) output.write(`${dim(sources)}\n`);
            // The banner already said the twin is offline; the notice would say it twice.
            output.write('\n');
          } else {
            output.write(`${oneLine(printable(answer.text))}\n`);
            if (answer.notice) this.options.errorOutput.write(`${answer.notice}\n`);
          }
          break;
        }
        case 'failure':
          if (interactive) {
            erase();
            output.write(`${printable(event.failure.message)}\n\n`);
          } else {
            output.write(`${oneLine(printable(event.failure.message))}\n`);
          }
          break;
      }
    }
  }

  private remember(question: string, answer: string): void {
    const keep = this.options.historyTurns ?? 6;
    this.history.push({ role: 'user', text: question }, { role: 'twin', text: answer });
    this.history.splice(0, Math.max(0, this.history.length - keep));
  }

  private async showUsage(arg: string): Promise<void> {
    const window = parseWindow(arg);
    if (!window) {
      this.options.output.write('Usage windows are 24h, 7d or 30d, e.g. /usage 7d\n\n');
      return;
    }
    const result = await this.options.twin.usage({
      platform: 'console',
      tenantId: CONSOLE_TENANT,
      userId: this.options.userId ?? 'local',
      isPlatformAdmin: true,
      window,
    });
    this.options.output.write(`${result.kind === 'report' ? result.text : result.message}\n\n`);
  }

  /** The session's totals, as the workshop's monitor printed them on the way out. */
  private async farewell(): Promise<void> {
    const text = await this.options.twin.sessionTotals(CONSOLE_TENANT, this.startedAt);
    this.options.output.write(`\n${text}\nBye!\n`);
  }
}

/** Scripted mode keeps one answer per line so a script can pair questions and answers. */
function oneLine(text: string): string {
  return text.replace(/\s*\n+\s*/g, ' ').trim();
}

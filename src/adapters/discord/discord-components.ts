/**
 * Answers as Components V2 messages (message flag IS_COMPONENTS_V2): the answer in a container, the sources line and
 * notices in small print under a separator, and room for buttons. Every message of an answer is V2 from its first
 * write (progress note, live preview, final parts, a failure), because Discord never lets an edit clear the flag
 * and an edit that sets it must blank the content. Text arrives raw and leaves inert (discord-render.ts).
 */
import {
  type APIMessageTopLevelComponent,
  ComponentType,
  ContainerBuilder,
  SeparatorBuilder,
  SeparatorSpacingSize,
  TextDisplayBuilder,
} from 'discord.js';
import type { FinalPart } from '../../core/reply-surface.js';
import { closeFence, inertText, smallPrint } from './discord-render.js';

/**
 * why: with IS_COMPONENTS_V2 Discord takes up to 4 000 characters over all text displays of a message (plain content
 * stops at 2 000), so an answer needs half as many messages.
 */
export const COMPONENTS_TEXT_LIMIT = 4_000;

/** why: Discord refuses a V2 message with more than 40 components, counted through every level. */
export const COMPONENTS_LIMIT = 40;

/** The components of one message, in Discord's JSON; a caller may append more (an action row of buttons). */
export type MessageComponents = APIMessageTopLevelComponent[];

/** Answer text as shown: trimmed, a code block left open closed, made inert. */
export function answerText(raw: string): string {
  return inertText(closeFence(raw.trim()));
}

function textDisplay(content: string): TextDisplayBuilder {
  // why: Discord refuses an empty text display; an empty one would only ever be a blank line.
  return new TextDisplayBuilder().setContent(content === '' ? '…' : content);
}

/** A line of small print on its own ("Thinking…", "You're number 4 in line…"), already formatted. */
export function noteMessage(note: string): MessageComponents {
  return [textDisplay(note).toJSON()];
}

/** The live message while an answer streams: the text so far (already formatted), in the answer's container. */
export function previewMessage(text: string): MessageComponents {
  return [new ContainerBuilder().addTextDisplayComponents(textDisplay(text)).toJSON()];
}

/**
 * One message of the final answer: its text in a container, and on the last part the sources line and notices in
 * small print under a separator. The one place a final answer message is drawn: buttons under the answer (feedback,
 * follow-up questions) are appended to what this returns, as an action row (at most 5 buttons, custom ids up to
 * 100 characters; the whole message stays within COMPONENTS_LIMIT).
 */
export function finalAnswerMessage(part: FinalPart): MessageComponents {
  const body = answerText(part.text);
  const small = part.notes.map(smallPrint).join('\n');
  const container = new ContainerBuilder();
  if (body !== '' || small === '') container.addTextDisplayComponents(textDisplay(body));
  if (small !== '') {
    if (body !== '') {
      container.addSeparatorComponents(new SeparatorBuilder().setDivider(true).setSpacing(SeparatorSpacingSize.Small));
    }
    container.addTextDisplayComponents(textDisplay(small));
  }
  return [container.toJSON()];
}

/** A failure (busy, over quota, an error) as plain text: it is not an answer, so it gets no container. */
export function failureMessage(text: string): MessageComponents {
  return [textDisplay(inertText(text)).toJSON()];
}

/** The text a person reads in components: every text display's content, depth first, one per line. */
export function textOfComponents(components: readonly unknown[]): string {
  const out: string[] = [];
  const visit = (c: unknown) => {
    const node = c as { type?: number; content?: unknown; components?: unknown[]; accessory?: unknown };
    if (!node || typeof node !== 'object') return;
    if (node.type === ComponentType.TextDisplay && typeof node.content === 'string') out.push(node.content);
    for (const child of node.components ?? []) visit(child);
    if (node.accessory) visit(node.accessory);
  };
  for (const c of components) visit(c);
  return out.join('\n');
}

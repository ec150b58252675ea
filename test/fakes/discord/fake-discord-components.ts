/**
 * Discord's message components for the fake: the rules it enforces on action rows of buttons (5 rows of 5, labels
 * of 80 characters, custom_ids of 100, unique in a message), on modals (title 45 characters, 1 to 5 text inputs in
 * action rows or labels), and the INTERACTION_CREATE payloads of a button click (type 3, MESSAGE_COMPONENT) and of
 * a modal submission (type 5, MODAL_SUBMIT).
 */
import type { FakeGuild, FakeMessage, FakeUser } from './fake-discord-payloads.js';
import { interactionJson, messageJson } from './fake-discord-payloads.js';

export const INTERACTION_COMPONENT = 3;
export const INTERACTION_MODAL_SUBMIT = 5;
export const CALLBACK_DEFERRED_UPDATE = 6;
export const CALLBACK_UPDATE = 7;
export const CALLBACK_MODAL = 9;

const ROW = 1;
const BUTTON = 2;
const TEXT_INPUT = 4;
const LABEL = 18;

interface RouteProblem {
  status: number;
  json: unknown;
}

function invalid(field: string, message: string): RouteProblem {
  return {
    status: 400,
    json: {
      message: 'Invalid Form Body',
      code: 50035,
      errors: { [field]: { _errors: [{ code: 'INVALID', message }] } },
    },
  };
}

type Json = Record<string, unknown>;

/** Discord's answer to a message's `components` it would refuse, or undefined when they are fine. */
export function componentsProblem(components: unknown): RouteProblem | undefined {
  if (components === undefined) return undefined;
  if (!Array.isArray(components) || components.length > 5)
    return invalid('components', 'Must be 5 or fewer in length.');
  const ids = new Set<string>();
  for (const row of components as Json[]) {
    const children = row.components as Json[] | undefined;
    if (row.type !== ROW || !Array.isArray(children) || children.length === 0 || children.length > 5) {
      return invalid('components', 'An action row holds 1 to 5 components.');
    }
    for (const c of children) {
      if (c.type !== BUTTON) continue;
      const style = Number(c.style);
      if (!(style >= 1 && style <= 6)) return invalid('components', 'Invalid button style.');
      if (c.label === undefined && c.emoji === undefined)
        return invalid('components', 'A button needs a label or emoji.');
      if (typeof c.label === 'string' && c.label.length > 80) return invalid('components', 'Label: 80 or fewer.');
      if (style === 5) continue; // link buttons carry a url, no custom_id
      const id = c.custom_id;
      if (typeof id !== 'string' || id.length === 0 || id.length > 100) {
        return invalid('components', 'custom_id: 1 to 100 characters.');
      }
      if (ids.has(id)) return invalid('components', 'Component custom id cannot be duplicated');
      ids.add(id);
    }
  }
  return undefined;
}

/** The text inputs of a modal, whichever way they are wrapped (an action row, or a label). */
export function modalInputs(data: Json): Json[] {
  const rows = (data.components ?? []) as Json[];
  return rows.flatMap((r) =>
    r.type === ROW ? ((r.components ?? []) as Json[]) : r.type === LABEL && r.component ? [r.component as Json] : [],
  );
}

/** Discord's answer to a modal response (callback type 9) it would refuse. */
export function modalProblem(data: Json): RouteProblem | undefined {
  if (typeof data.custom_id !== 'string' || data.custom_id.length === 0 || data.custom_id.length > 100) {
    return invalid('data.custom_id', 'custom_id: 1 to 100 characters.');
  }
  if (typeof data.title !== 'string' || data.title.length === 0 || data.title.length > 45) {
    return invalid('data.title', 'Must be 45 or fewer in length.');
  }
  const rows = (data.components ?? []) as Json[];
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > 5) return invalid('data.components', '1 to 5.');
  for (const r of rows) {
    if (r.type === LABEL && (typeof r.label !== 'string' || r.label.length === 0 || r.label.length > 45)) {
      return invalid('data.components', 'A label holds 1 to 45 characters.');
    }
    if (r.type !== LABEL && r.type !== ROW) return invalid('data.components', 'Rows or labels only.');
  }
  const inputs = modalInputs(data);
  if (inputs.length !== rows.length) return invalid('data.components', 'Each row or label holds one component.');
  for (const input of inputs) {
    if (input.type !== TEXT_INPUT) continue;
    if (typeof input.custom_id !== 'string' || input.custom_id.length > 100) return invalid('data.components', 'id');
    if (![1, 2].includes(Number(input.style))) return invalid('data.components', 'Invalid text input style.');
    const max = input.max_length === undefined ? 4000 : Number(input.max_length);
    if (!(max >= 1 && max <= 4000)) return invalid('data.components', 'max_length: 1 to 4000.');
  }
  return undefined;
}

/** The custom_ids of every button on a message (what a person can click). */
export function buttonIds(message: FakeMessage): string[] {
  return ((message.components ?? []) as Json[]).flatMap((row) =>
    ((row.components ?? []) as Json[]).filter((c) => c.type === BUTTON).map((c) => String(c.custom_id)),
  );
}

interface BaseInput {
  id: string;
  token: string;
  applicationId: string;
  user: FakeUser;
  channelId: string;
  guild?: FakeGuild;
  permissions: string;
}

function base(input: BaseInput): Json {
  // why: the command builder gives every other field (channel, member or user, contexts) as Discord sends them.
  return interactionJson({ ...input, commandId: '0', name: '', options: [] });
}

/** INTERACTION_CREATE of a click on a button of `message`. */
export function componentInteractionJson(input: BaseInput & { message: FakeMessage; customId: string }): Json {
  return {
    ...base(input),
    type: INTERACTION_COMPONENT,
    message: messageJson(input.message),
    data: { custom_id: input.customId, component_type: BUTTON },
  };
}

/** INTERACTION_CREATE of a modal submitted with `values` by input custom_id, in the shape the modal was opened. */
export function modalSubmitJson(input: BaseInput & { modal: Json; values: Record<string, string> }): Json {
  const components = ((input.modal.components ?? []) as Json[]).map((r) => {
    const fill = (c: Json) => ({
      type: c.type,
      id: 1,
      custom_id: c.custom_id,
      value: input.values[String(c.custom_id)] ?? '',
    });
    return r.type === LABEL
      ? { type: LABEL, id: 2, component: fill(r.component as Json) }
      : { type: ROW, id: 2, components: ((r.components ?? []) as Json[]).map(fill) };
  });
  return { ...base(input), type: INTERACTION_MODAL_SUBMIT, data: { custom_id: input.modal.custom_id, components } };
}

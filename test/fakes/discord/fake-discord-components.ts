/**
 * Message components as Discord checks them (developers/components/reference, developers/resources/message "Create
 * Message" and "Edit Message"): the legacy layout (action rows only, at most 5) and Components V2 (message flag
 * 1 << 15: layout and content components, at most 40 components counted through every level, at most 4 000
 * characters over all text displays), and modals (interaction callback 9: a title, one to five labels or action
 * rows, each holding one text input) with what a person submits from one (a MODAL_SUBMIT interaction, type 5). A
 * broken shape is a problem string; the routes answer it with 400 like Discord.
 */

export const FLAG_COMPONENTS_V2 = 1 << 15;
/** Components in one V2 message, counted through every level (containers, rows, sections, accessories). */
export const MAX_V2_COMPONENTS = 40;
/** Characters over every text display of one V2 message. */
export const MAX_V2_TEXT = 4_000;
/** Action rows in a message without the V2 flag. */
export const MAX_LEGACY_ROWS = 5;

export const COMPONENT = {
  actionRow: 1,
  button: 2,
  stringSelect: 3,
  userSelect: 5,
  roleSelect: 6,
  mentionableSelect: 7,
  channelSelect: 8,
  section: 9,
  textDisplay: 10,
  thumbnail: 11,
  mediaGallery: 12,
  file: 13,
  separator: 14,
  container: 17,
  /** Modal only. */
  textInput: 4,
  /** Modal only: a label (1-45 characters) around one input. */
  label: 18,
} as const;

const SELECTS: readonly number[] = [
  COMPONENT.stringSelect,
  COMPONENT.userSelect,
  COMPONENT.roleSelect,
  COMPONENT.mentionableSelect,
  COMPONENT.channelSelect,
];
/** What a V2 message may hold at its top level. */
const V2_TOP: readonly number[] = [
  COMPONENT.actionRow,
  COMPONENT.section,
  COMPONENT.textDisplay,
  COMPONENT.mediaGallery,
  COMPONENT.file,
  COMPONENT.separator,
  COMPONENT.container,
];
/** What a container may hold. */
const CONTAINER_CHILDREN: readonly number[] = [
  COMPONENT.actionRow,
  COMPONENT.textDisplay,
  COMPONENT.section,
  COMPONENT.mediaGallery,
  COMPONENT.separator,
  COMPONENT.file,
];

// biome-ignore lint/suspicious/noExplicitAny: components are arbitrary JSON read field by field
type Json = any;

/** Every component of a tree, depth first (containers, then their children; sections, their texts, then accessory). */
export function walkComponents(components: readonly Json[]): Json[] {
  const out: Json[] = [];
  const visit = (c: Json) => {
    if (!c || typeof c !== 'object') return;
    out.push(c);
    if (Array.isArray(c.components)) for (const child of c.components) visit(child);
    if (c.accessory) visit(c.accessory);
  };
  for (const c of components) visit(c);
  return out;
}

/** The text a person reads in components: every text display's content, in order. */
export function textDisplays(components: readonly Json[]): string[] {
  return walkComponents(components)
    .filter((c) => c.type === COMPONENT.textDisplay && typeof c.content === 'string')
    .map((c) => c.content as string);
}

/** Gives components without an `id` the next free number, as Discord does. */
export function numberComponents(components: readonly Json[]): void {
  const all = walkComponents(components);
  const used = new Set(all.map((c) => c.id).filter((id) => Number.isInteger(id) && id !== 0));
  let next = 1;
  for (const c of all) {
    if (Number.isInteger(c.id) && c.id !== 0) continue;
    while (used.has(next)) next++;
    c.id = next;
    used.add(next);
  }
}

const isText = (v: unknown, min: number, max: number) => typeof v === 'string' && v.length >= min && v.length <= max;

function buttonProblem(b: Json): string | undefined {
  const style = b.style;
  if (!Number.isInteger(style) || style < 1 || style > 6) return `button style ${String(style)} is not 1-6`;
  if (b.label !== undefined && !isText(b.label, 0, 80)) return 'a button label is at most 80 characters';
  if (style === 5) {
    if (!isText(b.url, 1, 512)) return 'a link button needs a url of at most 512 characters';
    if (b.custom_id !== undefined) return 'a link button cannot have a custom_id';
  } else if (style === 6) {
    if (typeof b.sku_id !== 'string') return 'a premium button needs a sku_id';
    if (b.custom_id !== undefined || b.label !== undefined || b.url !== undefined) {
      return 'a premium button cannot have a custom_id, label or url';
    }
  } else {
    if (!isText(b.custom_id, 1, 100)) return 'a button custom_id is 1-100 characters';
    if (b.url !== undefined || b.sku_id !== undefined) return 'this button style cannot have a url or sku_id';
  }
  if (style !== 6 && b.label === undefined && b.emoji === undefined) return 'a button needs a label or an emoji';
  return undefined;
}

function mediaProblem(media: Json): string | undefined {
  return media && typeof media.url === 'string' && media.url !== '' ? undefined : 'media needs a url';
}

/** The problem with one component in its place, or undefined. `v2`: whether the message has the V2 flag. */
function componentProblem(c: Json, v2: boolean, where: 'top' | 'container' | 'row' | 'section'): string | undefined {
  if (!c || typeof c !== 'object' || !Number.isInteger(c.type)) return 'a component needs an integer type';
  const type = c.type as number;
  if (!v2 && where === 'top' && type !== COMPONENT.actionRow) {
    return `component type ${type} at the top level needs the IS_COMPONENTS_V2 flag (without it, only action rows)`;
  }
  if (where === 'top' && !V2_TOP.includes(type)) return `component type ${type} cannot be at the top level`;
  if (where === 'container' && !CONTAINER_CHILDREN.includes(type)) {
    return `component type ${type} cannot be in a container`;
  }
  switch (type) {
    case COMPONENT.actionRow: {
      const children = c.components;
      if (!Array.isArray(children) || children.length === 0) return 'an action row needs components';
      const buttons = children.filter((x: Json) => x?.type === COMPONENT.button).length;
      const selects = children.filter((x: Json) => SELECTS.includes(x?.type)).length;
      if (buttons + selects !== children.length) return 'an action row holds only buttons or one select';
      if (selects > 0 && children.length !== 1) return 'an action row holds one select and nothing else';
      if (buttons > 5) return 'an action row holds at most 5 buttons';
      for (const child of children) {
        const problem = componentProblem(child, v2, 'row');
        if (problem) return problem;
      }
      return undefined;
    }
    case COMPONENT.button:
      if (where !== 'row' && where !== 'section') return 'a button goes in an action row or a section accessory';
      return buttonProblem(c);
    case COMPONENT.stringSelect:
    case COMPONENT.userSelect:
    case COMPONENT.roleSelect:
    case COMPONENT.mentionableSelect:
    case COMPONENT.channelSelect:
      if (where !== 'row') return 'a select goes in an action row';
      if (!isText(c.custom_id, 1, 100)) return 'a select custom_id is 1-100 characters';
      if (
        type === COMPONENT.stringSelect &&
        (!Array.isArray(c.options) || c.options.length < 1 || c.options.length > 25)
      ) {
        return 'a string select has 1-25 options';
      }
      return undefined;
    case COMPONENT.section: {
      if (!v2) return 'a section needs the IS_COMPONENTS_V2 flag';
      const children = c.components;
      if (!Array.isArray(children) || children.length < 1 || children.length > 3) {
        return 'a section holds one to three text displays';
      }
      if (children.some((x: Json) => x?.type !== COMPONENT.textDisplay)) return 'a section holds text displays only';
      for (const child of children) {
        const problem = componentProblem(child, v2, 'section');
        if (problem) return problem;
      }
      const accessory = c.accessory;
      if (accessory?.type === COMPONENT.button) return componentProblem(accessory, v2, 'section');
      if (accessory?.type === COMPONENT.thumbnail) return mediaProblem(accessory.media);
      return 'a section needs a button or thumbnail accessory';
    }
    case COMPONENT.textDisplay:
      if (!v2) return 'a text display needs the IS_COMPONENTS_V2 flag';
      return typeof c.content === 'string' && c.content !== '' ? undefined : 'a text display needs content';
    case COMPONENT.thumbnail:
      return 'a thumbnail goes only in a section accessory';
    case COMPONENT.mediaGallery:
      if (!v2) return 'a media gallery needs the IS_COMPONENTS_V2 flag';
      if (!Array.isArray(c.items) || c.items.length < 1 || c.items.length > 10) return 'a media gallery has 1-10 items';
      for (const item of c.items) {
        const problem = mediaProblem(item?.media);
        if (problem) return problem;
      }
      return undefined;
    case COMPONENT.file:
      if (!v2) return 'a file component needs the IS_COMPONENTS_V2 flag';
      return typeof c.file?.url === 'string' && c.file.url.startsWith('attachment://')
        ? undefined
        : 'a file component points at an attachment:// url';
    case COMPONENT.separator:
      if (!v2) return 'a separator needs the IS_COMPONENTS_V2 flag';
      if (c.divider !== undefined && typeof c.divider !== 'boolean') return 'a separator divider is a boolean';
      if (c.spacing !== undefined && c.spacing !== 1 && c.spacing !== 2) return 'a separator spacing is 1 or 2';
      return undefined;
    case COMPONENT.container: {
      if (!v2) return 'a container needs the IS_COMPONENTS_V2 flag';
      if (!Array.isArray(c.components) || c.components.length === 0) return 'a container needs components';
      const accent = c.accent_color;
      if (accent !== undefined && accent !== null && !(Number.isInteger(accent) && accent >= 0 && accent <= 0xffffff)) {
        return 'a container accent_color is an RGB integer';
      }
      for (const child of c.components) {
        const problem = componentProblem(child, v2, 'container');
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return `component type ${type} is not a message component`;
  }
}

/**
 * The problem with a message's `components`, or undefined. With the V2 flag: valid types in valid places, at most 40
 * components in all, at most 4 000 text characters, custom ids unique. Without it: at most 5 action rows.
 */
export function componentsProblem(components: unknown, v2: boolean): string | undefined {
  if (!Array.isArray(components)) return 'components must be an array';
  if (!v2 && components.length > MAX_LEGACY_ROWS)
    return `at most ${MAX_LEGACY_ROWS} action rows without IS_COMPONENTS_V2`;
  for (const c of components) {
    const problem = componentProblem(c, v2, 'top');
    if (problem) return problem;
  }
  const all = walkComponents(components);
  if (v2 && all.length > MAX_V2_COMPONENTS) {
    return `${all.length} components: at most ${MAX_V2_COMPONENTS} in a message`;
  }
  const chars = textDisplays(components).reduce((n, t) => n + t.length, 0);
  if (chars > MAX_V2_TEXT) return `${chars} characters in text displays: at most ${MAX_V2_TEXT} in a message`;
  const ids = all.map((c) => c.custom_id).filter((id) => id !== undefined);
  if (new Set(ids).size !== ids.length) return 'custom_id values must be unique in a message';
  return undefined;
}

/** The inputs of a modal, whichever way each is wrapped (a label, or a legacy action row). */
export function modalInputs(components: readonly Json[]): Json[] {
  return components.flatMap((c: Json) =>
    c?.type === COMPONENT.label && c.component
      ? [c.component]
      : c?.type === COMPONENT.actionRow && Array.isArray(c.components)
        ? c.components
        : [],
  );
}

function textInputProblem(input: Json): string | undefined {
  if (!isText(input.custom_id, 1, 100)) return 'a text input custom_id is 1-100 characters';
  if (input.style !== 1 && input.style !== 2) return 'a text input style is 1 (short) or 2 (paragraph)';
  const min = input.min_length ?? 0;
  const max = input.max_length ?? 4_000;
  if (!Number.isInteger(min) || min < 0 || min > 4_000) return 'a text input min_length is 0-4000';
  if (!Number.isInteger(max) || max < 1 || max > 4_000) return 'a text input max_length is 1-4000';
  if (input.placeholder !== undefined && !isText(input.placeholder, 0, 100)) return 'a placeholder is at most 100';
  if (input.value !== undefined && !isText(input.value, 0, 4_000)) return 'a text input value is at most 4000';
  if (input.required !== undefined && typeof input.required !== 'boolean') return 'required is a boolean';
  return undefined;
}

/**
 * A modal (callback 9) as Discord checks it: a custom_id, a title of at most 45 characters, one to five components,
 * each a label (1-45 characters, one text input or select) or a legacy action row with one text input; custom ids
 * unique.
 */
export function modalProblem(data: { custom_id?: unknown; title?: unknown; components?: unknown }): string | undefined {
  if (!isText(data.custom_id, 1, 100)) return 'a modal custom_id is 1-100 characters';
  if (!isText(data.title, 1, 45)) return 'a modal title is 1-45 characters';
  const components = data.components;
  if (!Array.isArray(components) || components.length < 1 || components.length > 5) {
    return 'a modal has one to five components';
  }
  for (const c of components as Json[]) {
    if (c?.type === COMPONENT.label) {
      if (!isText(c.label, 1, 45)) return 'a label is 1-45 characters';
      if (c.description !== undefined && !isText(c.description, 0, 100)) return 'a label description is at most 100';
      const inner = c.component;
      if (inner?.type !== COMPONENT.textInput && !SELECTS.includes(inner?.type)) {
        return 'a label holds one text input or select';
      }
    } else if (c?.type === COMPONENT.actionRow) {
      const row = c.components;
      if (!Array.isArray(row) || row.length !== 1 || row[0]?.type !== COMPONENT.textInput) {
        return 'an action row in a modal holds exactly one text input';
      }
      if (!isText(row[0].label, 1, 45)) return 'a text input in an action row needs a label of 1-45 characters';
    } else if (c?.type !== COMPONENT.textDisplay) {
      return `component type ${String(c?.type)} cannot be in a modal`;
    }
  }
  for (const input of modalInputs(components)) {
    if (input.type !== COMPONENT.textInput) continue;
    const problem = textInputProblem(input);
    if (problem) return problem;
  }
  const ids = modalInputs(components).map((c) => c.custom_id);
  if (new Set(ids).size !== ids.length) return 'custom_id values must be unique in a modal';
  return undefined;
}

/**
 * The `data` of a MODAL_SUBMIT interaction: the modal's custom_id and each input's value, in the shape the modal was
 * opened (labels or rows), as Discord sends it. Throws where Discord's client would not let the person submit: a
 * required input left empty, a value outside min_length..max_length.
 */
export function modalSubmitData(modal: Json, values: Record<string, string>): Record<string, unknown> {
  const fill = (c: Json) => {
    if (c.type !== COMPONENT.textInput) throw new Error('the fake submits text inputs only');
    const value = values[String(c.custom_id)] ?? '';
    const required = c.required ?? true;
    if (required && value === '') throw new Error(`modal input ${c.custom_id} is required`);
    if (value !== '' && (value.length < (c.min_length ?? 0) || value.length > (c.max_length ?? 4_000))) {
      throw new Error(`modal input ${c.custom_id}: ${value.length} characters is outside its length limits`);
    }
    return { type: c.type, id: c.id, custom_id: c.custom_id, value };
  };
  const components = ((modal.components ?? []) as Json[])
    .filter((c) => c.type !== COMPONENT.textDisplay)
    .map((c) =>
      c.type === COMPONENT.label
        ? { type: COMPONENT.label, id: c.id, component: fill(c.component) }
        : { type: COMPONENT.actionRow, id: c.id, components: (c.components as Json[]).map(fill) },
    );
  return { custom_id: modal.custom_id, components };
}

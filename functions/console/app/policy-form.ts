/**
 * A policy form described as data: which fields a policy has, how each is edited and labelled.
 * One generic page (screens/policy-page.tsx) draws any of them; the descriptions themselves are
 * in policy-forms.ts. Pure: paths into a draft, labels for a path, and a version's changes.
 */
/** The admin's policies this page edits (legal's compliance policy has its own screen). */
export type PolicyKind = 'approval' | 'sharing' | 'engagement' | 'recognition';

export interface Option {
  value: string;
  label: string;
}

/** `key` is where the field's value sits in its parent; `''`: the parent's value itself. */
export type FieldSpec =
  | { kind: 'number'; key: string; label: string; hint?: string; whole?: boolean; none?: string }
  | { kind: 'toggle'; key: string; label: string }
  | { kind: 'text'; key: string; label: string; hint?: string }
  | { kind: 'time'; key: string; label: string }
  | { kind: 'choice'; key: string; label: string; options: readonly Option[] }
  | { kind: 'checks'; key: string; label: string; options: readonly Option[] }
  | { kind: 'list'; key: string; label: string; hint?: string }
  | { kind: 'group'; key: string; label: string; hint?: string; fields: readonly FieldSpec[] }
  | {
      kind: 'rows';
      key: string;
      label: string;
      /** What one row is called ("Stage"): legends "Stage 1", buttons "Add stage". */
      item: string;
      fields: readonly FieldSpec[];
      blank: () => unknown;
      max: number;
    }
  | {
      /** A map some of whose keys are set (a network's own rates): each key switched on or off. */
      kind: 'keyed';
      key: string;
      label: string;
      hint?: string;
      keys: readonly Option[];
      /** "{key} has its own cadence": the switch's label for each key. */
      switchLabel: string;
      item: FieldSpec;
      blank: () => unknown;
    };

export type Draft = Record<string, unknown>;

export const join = (path: string, key: string) => (path && key ? `${path}.${key}` : path || key);

export const valueAt = (value: unknown, path: string): unknown =>
  path === ''
    ? value
    : path.split('.').reduce<unknown>((at, key) => {
        if (at === null || typeof at !== 'object') return undefined;
        return (at as Record<string, unknown>)[key];
      }, value);

/** A copy of `value` with `path` set (or, for `undefined`, removed from its object). */
export const withValue = (value: unknown, path: string, next: unknown): unknown => {
  if (path === '') return next;
  const [key = '', ...rest] = path.split('.');
  const inner = withValue(valueAt(value, key), rest.join('.'), next);
  if (Array.isArray(value)) return value.map((v, i) => (String(i) === key ? inner : v));
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown> | undefined) };
  if (inner === undefined) delete copy[key];
  else copy[key] = inner;
  return copy;
};

const LEAVES: readonly FieldSpec['kind'][] = ['number', 'toggle', 'text', 'time', 'choice'];
const LISTS: readonly FieldSpec['kind'][] = ['checks', 'list'];

/**
 * The field that draws a path, and the words that lead to it ("Stages", "Stage 2", "Name");
 * no field when the form draws no such value (a form that would drop it on save).
 */
export const fieldAt = (
  fields: readonly FieldSpec[],
  path: string,
): { words: string[]; field?: FieldSpec } => {
  const parts = path === '' ? [] : path.split('.');
  const words: string[] = [];
  let level: readonly FieldSpec[] = fields;
  let i = 0;
  for (;;) {
    const spec: FieldSpec | undefined =
      level.find((f) => f.key !== '' && f.key === parts[i]) ?? level.find((f) => f.key === '');
    if (!spec) return { words: [...words, ...parts.slice(i)] };
    if (spec.key !== '') i++;
    if (words.at(-1) !== spec.label) words.push(spec.label);
    const rest = parts.length - i;
    if (LEAVES.includes(spec.kind)) return rest === 0 ? { words, field: spec } : { words };
    if (LISTS.includes(spec.kind)) return rest <= 1 ? { words, field: spec } : { words };
    if (rest === 0) return { words, field: spec };
    if (spec.kind === 'group') level = spec.fields;
    else if (spec.kind === 'rows') {
      words.push(`${spec.item} ${Number(parts[i]) + 1}`);
      i++;
      level = spec.fields;
    } else if (spec.kind === 'keyed') {
      const key = spec.keys.find((k) => k.value === parts[i]);
      if (!key) return { words: [...words, ...parts.slice(i)] };
      words.push(key.label);
      i++;
      level = [spec.item];
    }
    if (i >= parts.length) return { words };
  }
};

/** The words a path means in the form ("Stages › Stage 2 › Name"). */
export const labelOf = (fields: readonly FieldSpec[], path: string): string =>
  fieldAt(fields, path).words.join(' › ');

/** Every leaf of a value by path: scalars, lists of scalars, and empty objects as themselves. */
export const leaves = (value: unknown, path = '', into = new Map<string, unknown>()) => {
  const scalars = Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
  if (value !== null && typeof value === 'object' && !scalars) {
    const entries = Object.entries(value);
    if (entries.length === 0) into.set(path, value);
    for (const [key, inner] of entries) leaves(inner, join(path, key), into);
  } else into.set(path, value);
  return into;
};

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/** What a version changed from the one before it, leaf by leaf, in the order of the newer one. */
export const changesBetween = (before: Draft, after: Draft): Change[] => {
  const old = leaves(before);
  const now = leaves(after);
  const changed: Change[] = [];
  for (const [path, value] of now) {
    if (JSON.stringify(old.get(path)) !== JSON.stringify(value))
      changed.push({ path, before: old.get(path), after: value });
  }
  for (const [path, value] of old) {
    if (!now.has(path)) changed.push({ path, before: value, after: undefined });
  }
  return changed;
};

/** A value as a change shows it. */
export const shown = (value: unknown): string => {
  if (value === undefined) return 'not set';
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length ? value.join(', ') : 'none';
  if (typeof value === 'object') return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
};

/** The policy without what the server adds (version and authorship): what a save sends. */
export const draftOf = ({
  version: _v,
  updatedBy: _by,
  updatedAt: _at,
  ...draft
}: {
  version: number;
  updatedBy: string;
  updatedAt: string;
  [field: string]: unknown;
}): Draft => draft;

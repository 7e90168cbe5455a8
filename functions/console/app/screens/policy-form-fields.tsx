import { useState } from 'preact/hooks';
import { type FieldSpec, join, valueAt, withValue } from '../policy-form';
import {
  at,
  Field,
  type Issues,
  ListField,
  SectionIssues,
  TextField,
  Toggle,
} from './policy-fields';

/**
 * Draws one field of a policy form from its description (policy-form.ts), inside its parent's
 * value: the field's own value is `valueAt(parent, key)`, and a change replaces it in a copy.
 * Issues from the API's 400 are keyed by the same paths, so each shows beside its field.
 */
interface Props {
  spec: FieldSpec;
  parentPath: string;
  parent: unknown;
  setParent: (next: unknown) => void;
  issues: Issues;
}

const idOf = (path: string) => `policy-${path.replace(/\./g, '-')}`;

const focusSoon = (id: string) => setTimeout(() => document.getElementById(id)?.focus());

const GroupIssues = ({ issues, path }: { issues: Issues; path: string }) => {
  const messages = at(issues, path);
  return messages.length ? (
    <p class="field-error" role="alert">
      {messages.join('; ')}
    </p>
  ) : null;
};

/** What every drawn field gets: its description, where it is in the policy, its value, its setter, the API's issues. */
type FieldProps<K extends FieldSpec['kind']> = {
  spec: Extract<FieldSpec, { kind: K }>;
  path: string;
  value: unknown;
  set: (v: unknown) => void;
  issues: Issues;
};

/** A number typed as text (so "1." and "" can be typed); a value that is no number is sent as typed for the API to refuse at the field. */
const NumberField = ({ spec, path, value, set, issues }: FieldProps<'number'>) => {
  const [raw, setRaw] = useState(typeof value === 'number' ? String(value) : '');
  const parse = (text: string) => {
    const trimmed = text.trim();
    const number = Number(trimmed);
    return trimmed !== '' && Number.isFinite(number) ? number : trimmed;
  };
  const none = spec.none !== undefined && value === null;
  const field = (
    <Field
      label={spec.label}
      path={path}
      issues={issues}
      {...(spec.hint ? { hint: spec.hint } : {})}
      control={(props) => (
        <input
          {...props}
          type="text"
          inputMode={spec.whole ? 'numeric' : 'decimal'}
          value={raw}
          disabled={none}
          onInput={(e) => {
            setRaw(e.currentTarget.value);
            set(parse(e.currentTarget.value));
          }}
        />
      )}
    />
  );
  if (spec.none === undefined) return field;
  return (
    <div class="nullable">
      {field}
      <Toggle
        label={spec.none}
        path={`${path}-none`}
        checked={none}
        onChange={(checked) => set(checked ? null : parse(raw))}
      />
    </div>
  );
};

/** Rows of the same fields (approval stages, cadence steps), added and removed by buttons. */
const Rows = ({ spec, path, value, set, issues }: FieldProps<'rows'>) => {
  const rows = Array.isArray(value) ? value : [];
  // Removing renumbers the rows: they are drawn afresh with what they hold.
  const [generation, setGeneration] = useState(0);
  const item = spec.item.toLowerCase();
  return (
    <fieldset class="policy-rows">
      <legend>{spec.label}</legend>
      <SectionIssues issues={issues} path={path} />
      {rows.map((row, i) => {
        const rowPath = join(path, String(i));
        return (
          <fieldset key={`${generation}-${i}`} class="rule">
            <legend>
              {spec.item} {i + 1}
            </legend>
            {spec.fields.map((field) => (
              <FormField
                key={field.key}
                spec={field}
                parentPath={rowPath}
                parent={row}
                setParent={(next) => set(rows.map((r, j) => (j === i ? next : r)))}
                issues={issues}
              />
            ))}
            <button
              type="button"
              class="danger"
              onClick={() => {
                set(rows.filter((_, j) => j !== i));
                setGeneration(generation + 1);
                // The button pressed is gone: focus goes to the list's add button.
                focusSoon(`${idOf(path)}-add`);
              }}
            >
              Remove {item} {i + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        id={`${idOf(path)}-add`}
        disabled={rows.length >= spec.max}
        onClick={() => {
          set([...rows, spec.blank()]);
          const first = spec.fields[0];
          if (first) focusSoon(idOf(join(join(path, String(rows.length)), first.key)));
        }}
      >
        Add {item}
      </button>
    </fieldset>
  );
};

/** A map some of whose keys are set: a switch per key, and the key's fields when it is on. */
const Keyed = ({ spec, path, value, set, issues }: FieldProps<'keyed'>) => {
  const map = (value ?? {}) as Record<string, unknown>;
  return (
    <fieldset>
      <legend>{spec.label}</legend>
      {spec.hint ? <p class="muted small">{spec.hint}</p> : null}
      <SectionIssues issues={issues} path={path} />
      {spec.keys.map(({ value: key, label }) => (
        <div key={key} class="keyed">
          <Toggle
            label={spec.switchLabel.replace('{key}', label)}
            path={`${join(path, key)}-on`}
            checked={key in map}
            onChange={(on) => set(withValue(map, key, on ? spec.blank() : undefined))}
          />
          {key in map ? (
            <FormField
              spec={spec.item}
              parentPath={join(path, key)}
              parent={map[key]}
              setParent={(next) => set(withValue(map, key, next))}
              issues={issues}
            />
          ) : null}
        </div>
      ))}
    </fieldset>
  );
};

export const FormField = ({ spec, parentPath, parent, setParent, issues }: Props) => {
  const path = join(parentPath, spec.key);
  const value = valueAt(parent, spec.key);
  const set = (next: unknown) => setParent(withValue(parent, spec.key, next));
  const hint = 'hint' in spec && spec.hint ? { hint: spec.hint } : {};
  switch (spec.kind) {
    case 'number':
      return <NumberField spec={spec} path={path} value={value} set={set} issues={issues} />;
    case 'toggle':
      return <Toggle label={spec.label} path={path} checked={value === true} onChange={set} />;
    case 'text':
      return (
        <TextField
          label={spec.label}
          path={path}
          issues={issues}
          {...hint}
          value={typeof value === 'string' ? value : ''}
          onChange={set}
        />
      );
    case 'list':
      return (
        <ListField
          label={spec.label}
          path={path}
          issues={issues}
          {...hint}
          values={Array.isArray(value) ? value.map(String) : []}
          onChange={set}
        />
      );
    case 'time':
      return (
        <Field
          label={spec.label}
          path={path}
          issues={issues}
          control={(props) => (
            <input
              {...props}
              type="time"
              value={typeof value === 'string' ? value : ''}
              onInput={(e) => set(e.currentTarget.value)}
            />
          )}
        />
      );
    case 'choice':
      return (
        <Field
          label={spec.label}
          path={path}
          issues={issues}
          control={(props) => (
            <select
              {...props}
              value={String(value ?? '')}
              onChange={(e) => set(e.currentTarget.value)}
            >
              {spec.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          )}
        />
      );
    case 'checks': {
      const chosen = Array.isArray(value) ? value.map(String) : [];
      return (
        <fieldset class="checks">
          <legend>{spec.label}</legend>
          <GroupIssues issues={issues} path={path} />
          {spec.options.map((o) => (
            <label key={o.value} class="check-row">
              <input
                type="checkbox"
                checked={chosen.includes(o.value)}
                onChange={(e) =>
                  set(
                    // Kept in the options' order, whatever order they were ticked in.
                    spec.options
                      .map((x) => x.value)
                      .filter((v) =>
                        v === o.value ? e.currentTarget.checked : chosen.includes(v),
                      ),
                  )
                }
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'group':
      return (
        <fieldset>
          <legend>{spec.label}</legend>
          {spec.hint ? <p class="muted small">{spec.hint}</p> : null}
          <SectionIssues issues={issues} path={path} />
          {spec.fields.map((field) => (
            <FormField
              key={field.key}
              spec={field}
              parentPath={path}
              parent={value}
              setParent={set}
              issues={issues}
            />
          ))}
        </fieldset>
      );
    case 'rows':
      return <Rows spec={spec} path={path} value={value} set={set} issues={issues} />;
    case 'keyed':
      return <Keyed spec={spec} path={path} value={value} set={set} issues={issues} />;
  }
};

import { useState } from 'preact/hooks';

/** The API's 400 field issues, by path (`lexicon.3.phrase`), the draft's `policy.` prefix gone. */
export type Issues = Record<string, string[]>;

export const issuesOf = (fields: unknown): Issues => {
  const issues: Issues = {};
  if (!Array.isArray(fields)) return issues;
  for (const issue of fields as { field?: unknown; message?: unknown }[]) {
    const path = String(issue.field ?? '').replace(/^policy\.?/, '');
    issues[path] = [...(issues[path] ?? []), String(issue.message ?? 'is not valid')];
  }
  return issues;
};

/** The messages about a field or anything inside it (a list's items). */
export const at = (issues: Issues, path: string) =>
  Object.entries(issues).flatMap(([key, messages]) =>
    key === path || key.startsWith(`${path}.`) ? messages : [],
  );

const idOf = (path: string) => `policy-${path.replace(/\./g, '-')}`;

/** An issue about a whole section (a duplicated id), shown at its heading. */
export const SectionIssues = ({ issues, path }: { issues: Issues; path: string }) =>
  issues[path] ? (
    <p class="field-error" role="alert">
      {issues[path].join('; ')}
    </p>
  ) : null;

interface FieldProps {
  label: string;
  path: string;
  issues: Issues;
  hint?: string;
}

/** A labelled input whose API issues are shown under it and read with it. */
export const Field = ({
  label,
  path,
  issues,
  hint,
  control,
}: FieldProps & { control: (props: Record<string, unknown>) => preact.JSX.Element }) => {
  const id = idOf(path);
  const messages = at(issues, path);
  const described = [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {control({
        id,
        'aria-invalid': messages.length ? 'true' : undefined,
        'aria-describedby': described || undefined,
      })}
      {hint ? (
        <span id={`${id}-hint`} class="muted small">
          {hint}
        </span>
      ) : null}
      {messages.length ? (
        <span id={`${id}-error`} class="field-error">
          {messages.join('; ')}
        </span>
      ) : null}
    </div>
  );
};

export const TextField = ({
  value,
  onChange,
  long,
  ...field
}: FieldProps & { value: string; onChange: (value: string) => void; long?: boolean }) => (
  <Field
    {...field}
    control={(props) =>
      long ? (
        <textarea
          {...props}
          rows={2}
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      ) : (
        <input
          {...props}
          type="text"
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )
    }
  />
);

/**
 * A list of words: comma-separated (topics, codes) or one per line (phrases, which may hold
 * commas). The typed text is kept as typed; the list is what it parses to.
 */
export const ListField = ({
  values,
  onChange,
  lines,
  ...field
}: FieldProps & {
  values: readonly string[];
  onChange: (v: string[]) => void;
  lines?: boolean;
}) => {
  const [raw, setRaw] = useState(values.join(lines ? '\n' : ', '));
  const update = (text: string) => {
    setRaw(text);
    onChange(
      text
        .split(lines ? '\n' : ',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
  };
  return (
    <Field
      {...field}
      hint={field.hint ?? (lines ? 'One per line' : 'Separated by commas')}
      control={(props) =>
        lines ? (
          <textarea
            {...props}
            rows={3}
            value={raw}
            onInput={(e) => update(e.currentTarget.value)}
          />
        ) : (
          <input
            {...props}
            type="text"
            value={raw}
            onInput={(e) => update(e.currentTarget.value)}
          />
        )
      }
    />
  );
};

export const Choice = <T extends string>({
  value,
  options,
  onChange,
  ...field
}: FieldProps & { value: T; options: readonly T[]; onChange: (v: T) => void }) => (
  <Field
    {...field}
    control={(props) => (
      <select {...props} value={value} onChange={(e) => onChange(e.currentTarget.value as T)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    )}
  />
);

export const Toggle = ({
  label,
  path,
  checked,
  onChange,
}: {
  label: string;
  path: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) => (
  <div class="field toggle-field">
    <input
      id={idOf(path)}
      type="checkbox"
      checked={checked}
      onChange={(e) => onChange(e.currentTarget.checked)}
    />
    <label for={idOf(path)}>{label}</label>
  </div>
);

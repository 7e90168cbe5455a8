import { useState } from 'preact/hooks';
import { asApiError } from '../api';
import {
  addEmployee,
  type Employee,
  type EmployeeChange,
  editEmployee,
  getEmployee,
} from '../directory-endpoints';
import { StalePrompt } from '../stale-prompt';

/** The directory attributes an admin types, each as text (groups separated by commas). */
const FIELDS = [
  { key: 'name', label: 'Name', required: true },
  { key: 'email', label: 'Email', required: true },
  { key: 'department', label: 'Department' },
  { key: 'location', label: 'Location' },
  { key: 'groups', label: 'Groups (separated by commas)' },
  { key: 'language', label: 'Language (e.g. en, de-AT)' },
  { key: 'timeZone', label: 'Time zone (e.g. Europe/London)' },
  { key: 'manager', label: 'Manager’s email' },
  { key: 'jurisdiction', label: 'Jurisdiction (country code, e.g. GB)' },
] as const;
type Key = (typeof FIELDS)[number]['key'];
type Texts = Record<Key, string>;

const textsOf = (employee?: Employee): Texts => ({
  name: employee?.name ?? '',
  email: employee?.email ?? '',
  department: employee?.department ?? '',
  location: employee?.location ?? '',
  groups: employee?.groups.join(', ') ?? '',
  language: employee?.language ?? '',
  timeZone: employee?.timeZone ?? 'UTC',
  manager: employee?.manager ?? '',
  jurisdiction: employee?.jurisdiction ?? '',
});

const groupsOf = (text: string) =>
  text
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);

/** What changed from the entry read: only those fields are sent; an emptied one is cleared. */
const changeOf = (before: Texts, after: Texts): EmployeeChange => {
  const change: Record<string, unknown> = {};
  for (const { key } of FIELDS) {
    if (key === 'email' || before[key] === after[key]) continue;
    const value = after[key].trim();
    if (key === 'groups') change.groups = groupsOf(value);
    else if (key === 'name' || key === 'timeZone') change[key] = value;
    else change[key] = value || null;
  }
  return change as EmployeeChange;
};

const requestOf = (texts: Texts) => {
  const person: Record<string, unknown> = { groups: groupsOf(texts.groups) };
  for (const { key } of FIELDS) {
    const value = texts[key].trim();
    if (key !== 'groups' && value) person[key] = value;
  }
  return person as Parameters<typeof addEmployee>[0];
};

/** The API's field issues by field name (`department`, `groups.0` as `groups`). */
const issuesOf = (fields: unknown): Partial<Record<Key, string>> => {
  const issues: Partial<Record<Key, string>> = {};
  if (!Array.isArray(fields)) return issues;
  for (const issue of fields as { field?: unknown; message?: unknown }[]) {
    const key = String(issue.field ?? '').split('.')[0] as Key;
    if (FIELDS.some((f) => f.key === key)) issues[key] = String(issue.message ?? 'not valid');
  }
  return issues;
};

type Outcome = { kind: 'stale'; message: string } | { kind: 'failed'; message: string };

/**
 * Adds a person, or edits one bound to the version read: someone else's change since is a 409
 * and a prompt to reload, never an overwrite.
 */
export const EmployeeForm = ({
  editing,
  onDone,
  onCancel,
}: {
  editing?: Employee;
  onDone: (employee: Employee, verb: 'added' | 'saved') => void;
  onCancel: () => void;
}) => {
  const [read, setRead] = useState(editing);
  const [texts, setTexts] = useState(() => textsOf(editing));
  const [issues, setIssues] = useState<Partial<Record<Key, string>>>({});
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const prefix = read ? 'edit' : 'add';

  const submit = async () => {
    const change = read ? changeOf(textsOf(read), texts) : undefined;
    if (change && Object.keys(change).length === 0) {
      setOutcome({ kind: 'failed', message: 'Nothing has changed: there is nothing to save.' });
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      const { employee } =
        read && change
          ? await editEmployee(read.employeeId, change, read.version)
          : await addEmployee(requestOf(texts));
      setIssues({});
      onDone(employee, read ? 'saved' : 'added');
    } catch (failure) {
      const error = asApiError(failure);
      if (error.status === 409 && read) setOutcome({ kind: 'stale', message: error.message });
      else if (error.status === 400 && Array.isArray(error.detail.fields)) {
        setIssues(issuesOf(error.detail.fields));
        setOutcome({ kind: 'failed', message: `${error.message}: see the fields marked.` });
      } else if (error.code !== 'signing_in')
        setOutcome({ kind: 'failed', message: error.message });
    } finally {
      setBusy(false);
    }
  };
  const reload = async () => {
    if (!read) return;
    try {
      const { employee } = await getEmployee(read.employeeId);
      setRead(employee);
      setTexts(textsOf(employee));
      setIssues({});
      setOutcome(undefined);
    } catch (failure) {
      setOutcome({ kind: 'failed', message: asApiError(failure).message });
    }
  };

  return (
    <form
      class="person-form"
      aria-label={read ? `Edit ${read.name}` : 'Add a person'}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <h2>{read ? `Edit ${read.name}` : 'Add a person'}</h2>
      {read ? <p class="muted small">Version {read.version}</p> : null}
      <div class="person-fields">
        {FIELDS.map(({ key, label, ...rest }) => {
          const id = `${prefix}-${key}`;
          const locked = key === 'email' && read !== undefined;
          return (
            <div class="admin-field" key={key}>
              <label for={id}>{label}</label>
              <input
                id={id}
                type="text"
                inputMode={key === 'email' || key === 'manager' ? 'email' : 'text'}
                required={'required' in rest}
                disabled={locked}
                value={texts[key]}
                aria-invalid={issues[key] ? 'true' : undefined}
                aria-describedby={issues[key] ? `${id}-issue` : undefined}
                onInput={(e) => setTexts({ ...texts, [key]: e.currentTarget.value })}
              />
              {issues[key] ? (
                <p id={`${id}-issue`} class="field-error small">
                  {issues[key]}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
      {outcome?.kind === 'stale' && read ? (
        <StalePrompt
          changed={`Someone changed ${read.name} since you opened the entry.`}
          notRecorded={`Your edit of version ${read.version} was not saved.`}
          message={outcome.message}
          reloadLabel="Reload the entry"
          onReload={reload}
        />
      ) : null}
      {outcome?.kind === 'failed' ? (
        <p role="alert" class="error">
          {outcome.message}
        </p>
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || outcome?.kind === 'stale'}>
          {read ? 'Save changes' : 'Add to the directory'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
};

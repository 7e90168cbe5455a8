import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type Attribute,
  type Members,
  previewMembers,
  type Segment,
  type SegmentDefinition,
  saveSegment,
} from '../segment-endpoints';
import { StalePrompt } from '../stale-prompt';

/** The directory attributes a rule may test (the API's `SegmentAttribute`), as admins call them. */
const ATTRIBUTES: Record<Attribute, string> = {
  department: 'Department',
  location: 'Location',
  groups: 'Group',
  language: 'Language',
  timeZone: 'Time zone',
  manager: 'Manager’s email',
  jurisdiction: 'Jurisdiction',
};
/** How long typing pauses before the preview is asked again. */
const PREVIEW_AFTER_MS = 300;

interface Row {
  attribute: Attribute;
  values: string;
}
interface Draft {
  segmentId: string;
  name: string;
  description: string;
  mode: 'rule' | 'members';
  rows: Row[];
  emails: string;
}

const split = (text: string, by: RegExp) =>
  text
    .split(by)
    .map((v) => v.trim())
    .filter(Boolean);
const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);

export const draftOf = (segment?: Segment): Draft => ({
  segmentId: segment?.segmentId ?? '',
  name: segment?.name ?? '',
  description: segment?.description ?? '',
  mode: segment?.members ? 'members' : 'rule',
  rows: segment?.rule?.all.map((c) => ({ attribute: c.attribute, values: c.in.join(', ') })) ?? [
    { attribute: 'department', values: '' },
  ],
  emails: segment?.members?.join('\n') ?? '',
});

/** What the draft defines; a condition with no values yet is left out. Undefined: nothing yet. */
const definitionOf = (draft: Draft): SegmentDefinition | undefined => {
  if (draft.mode === 'members') {
    const members = split(draft.emails, /[\s,;]+/);
    return members.length ? { members } : undefined;
  }
  return {
    rule: {
      all: draft.rows
        .map((row) => ({ attribute: row.attribute, in: split(row.values, /,/) }))
        .filter((c) => c.in.length > 0),
    },
  };
};

/** The emails a 400 names as unknown (one field issue each, `members.<index>`). */
const unknownEmails = (error: ApiError, members: string[] | undefined): string[] => {
  const fields = Array.isArray(error.detail.fields)
    ? (error.detail.fields as { field?: unknown }[])
    : [];
  return fields
    .map((f) => /^members\.(\d+)$/.exec(String(f.field ?? ''))?.[1])
    .filter((i): i is string => i !== undefined)
    .map((i) => members?.[Number(i)] ?? `entry ${Number(i) + 1}`);
};

type Preview =
  | { kind: 'idle' }
  | { kind: 'asking' }
  | { kind: 'ready'; members: Members }
  | { kind: 'unknown'; emails: string[] }
  | { kind: 'failed'; message: string };

const MembersPreview = ({ preview }: { preview: Preview }) => {
  if (preview.kind === 'idle')
    return <p class="muted">Add a condition or an email to see who is in it.</p>;
  if (preview.kind === 'asking') return <p class="muted">Counting…</p>;
  if (preview.kind === 'failed') return <p class="error">{preview.message}</p>;
  if (preview.kind === 'unknown') return <UnknownEmails emails={preview.emails} />;
  const { count, complete, members } = preview.members;
  return (
    <>
      <p class="member-count">
        <strong>
          {complete ? '' : 'At least '}
          {count} {count === 1 ? 'person' : 'people'}
        </strong>{' '}
        {complete
          ? 'active in the directory match.'
          : 'match among the part of the directory read; a campaign preview counts them all.'}
      </p>
      {members.length ? (
        <ul aria-label="First members by name" class="member-list">
          {members.map((m) => (
            <li key={m.employeeId}>
              {m.name} <span class="muted small">{m.email}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
};

const UnknownEmails = ({ emails }: { emails: string[] }) => (
  <div class="error">
    <p>
      {emails.length === 1 ? 'This email is' : `These ${emails.length} emails are`} not in the
      directory; add the people first, or correct the list:
    </p>
    <ul aria-label="Emails not in the directory">
      {emails.map((e) => (
        <li key={e}>{e}</li>
      ))}
    </ul>
  </div>
);

type Saving =
  | { kind: 'unknown'; emails: string[] }
  | { kind: 'stale'; message: string }
  | { kind: 'failed'; message: string };

/**
 * Builds a segment: a rule over directory attributes (every condition holds; a condition holds
 * when the attribute has any of its values) or a list of people by email, with a live count and
 * the first members as it changes. Saving a list with an email nobody holds is refused, with them.
 */
export const SegmentBuilder = ({
  editing,
  onSaved,
  onCancel,
}: {
  editing?: Segment;
  onSaved: (segment: Segment, count: number | undefined) => void;
  onCancel: () => void;
}) => {
  const [draft, setDraft] = useState(() => draftOf(editing));
  const [idTouched, setIdTouched] = useState(editing !== undefined);
  const [preview, setPreview] = useState<Preview>({ kind: 'idle' });
  const [saving, setSaving] = useState<Saving>();
  const [busy, setBusy] = useState(false);
  const ticket = useRef(0);
  const definition = definitionOf(draft);
  const asked = JSON.stringify(definition ?? null);

  // The live preview: asked again when the definition changes, after a pause in typing; only
  // the latest question's answer is shown.
  useEffect(() => {
    const mine = ++ticket.current;
    if (!definition) {
      setPreview({ kind: 'idle' });
      return;
    }
    setPreview((p) => (p.kind === 'ready' ? p : { kind: 'asking' }));
    const timer = setTimeout(() => {
      previewMembers(definition).then(
        (members) => {
          if (mine === ticket.current) setPreview({ kind: 'ready', members });
        },
        (failure: unknown) => {
          if (mine !== ticket.current) return;
          const error = asApiError(failure);
          const emails = unknownEmails(error, definition.members);
          setPreview(
            emails.length
              ? { kind: 'unknown', emails }
              : { kind: 'failed', message: error.message },
          );
        },
      );
    }, PREVIEW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [asked]);

  const change = (next: Partial<Draft>) => {
    setSaving(undefined);
    setDraft({ ...draft, ...next });
  };
  const setRow = (index: number, row: Partial<Row>) =>
    change({ rows: draft.rows.map((r, i) => (i === index ? { ...r, ...row } : r)) });

  const save = async () => {
    if (!definition) return;
    setBusy(true);
    setSaving(undefined);
    try {
      const { segment } = await saveSegment(draft.segmentId.trim(), {
        name: draft.name.trim(),
        ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
        ...definition,
      });
      onSaved(segment, preview.kind === 'ready' ? preview.members.count : undefined);
    } catch (failure) {
      const error = asApiError(failure);
      const emails = unknownEmails(error, definition.members);
      if (emails.length) setSaving({ kind: 'unknown', emails });
      else if (error.status === 409) setSaving({ kind: 'stale', message: error.message });
      else if (error.code !== 'signing_in') {
        const fields = Array.isArray(error.detail.fields)
          ? (error.detail.fields as { field?: unknown; message?: unknown }[])
              .map((f) => `${String(f.field)}: ${String(f.message)}`)
              .join('; ')
          : '';
        setSaving({
          kind: 'failed',
          message: fields ? `${error.message} (${fields})` : error.message,
        });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="segment-builder"
      aria-label={editing ? `Edit segment ${editing.name}` : 'New segment'}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <h2>{editing ? `Edit ${editing.name}` : 'New segment'}</h2>
      <div class="builder-columns">
        <div class="stack">
          <div class="admin-field">
            <label for="segment-name">Name</label>
            <input
              id="segment-name"
              type="text"
              required
              maxLength={100}
              value={draft.name}
              onInput={(e) => {
                const name = e.currentTarget.value;
                change({ name, ...(idTouched ? {} : { segmentId: slug(name) }) });
              }}
            />
          </div>
          <div class="admin-field">
            <label for="segment-id">Segment id</label>
            <input
              id="segment-id"
              type="text"
              required
              pattern="[a-z0-9][a-z0-9\-]{0,62}"
              disabled={editing !== undefined}
              aria-describedby="segment-id-hint"
              value={draft.segmentId}
              onInput={(e) => {
                setIdTouched(true);
                change({ segmentId: e.currentTarget.value });
              }}
            />
            <p id="segment-id-hint" class="muted small">
              Lowercase letters, digits and dashes; posts target segments by it.
            </p>
          </div>
          <div class="admin-field">
            <label for="segment-description">Description</label>
            <input
              id="segment-description"
              type="text"
              maxLength={500}
              value={draft.description}
              onInput={(e) => change({ description: e.currentTarget.value })}
            />
          </div>
          <fieldset class="toggle">
            <legend>Who is in it</legend>
            <label>
              <input
                type="radio"
                name="segment-mode"
                checked={draft.mode === 'rule'}
                onChange={() => change({ mode: 'rule' })}
              />{' '}
              A rule over the directory
            </label>
            <label>
              <input
                type="radio"
                name="segment-mode"
                checked={draft.mode === 'members'}
                onChange={() => change({ mode: 'members' })}
              />{' '}
              A list of people by email
            </label>
          </fieldset>
          {draft.mode === 'rule' ? (
            <fieldset>
              <legend>People who match every condition</legend>
              <p class="muted small">
                A condition holds when the attribute has any of its values (separated by commas;
                case does not matter). No condition: everyone.
              </p>
              {draft.rows.map((row, index) => (
                <fieldset class="condition" key={index}>
                  <legend class="small">Condition {index + 1}</legend>
                  <div class="admin-field">
                    <label for={`condition-${index}-attribute`}>Attribute</label>
                    <select
                      id={`condition-${index}-attribute`}
                      value={row.attribute}
                      onChange={(e) =>
                        setRow(index, { attribute: e.currentTarget.value as Attribute })
                      }
                    >
                      {Object.entries(ATTRIBUTES).map(([value, label]) => (
                        <option key={value} value={value}>
                          {label}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div class="admin-field wide">
                    <label for={`condition-${index}-values`}>is one of</label>
                    <input
                      id={`condition-${index}-values`}
                      type="text"
                      value={row.values}
                      onInput={(e) => setRow(index, { values: e.currentTarget.value })}
                    />
                  </div>
                  <button
                    type="button"
                    aria-label={`Remove condition ${index + 1}`}
                    onClick={() => change({ rows: draft.rows.filter((_, i) => i !== index) })}
                  >
                    Remove
                  </button>
                </fieldset>
              ))}
              {draft.rows.length < 10 ? (
                <button
                  type="button"
                  onClick={() =>
                    change({ rows: [...draft.rows, { attribute: 'location', values: '' }] })
                  }
                >
                  Add condition
                </button>
              ) : null}
            </fieldset>
          ) : (
            <div class="admin-field">
              <label for="segment-emails">Emails (one a line, or separated by commas)</label>
              <textarea
                id="segment-emails"
                rows={6}
                value={draft.emails}
                onInput={(e) => change({ emails: e.currentTarget.value })}
              />
            </div>
          )}
        </div>
        <section aria-labelledby="preview-heading" class="segment-preview">
          <h3 id="preview-heading">Members</h3>
          <div aria-live="polite">
            <MembersPreview preview={preview} />
          </div>
        </section>
      </div>
      {saving?.kind === 'unknown' ? (
        <div role="alert">
          <p class="error">Not saved.</p>
          <UnknownEmails emails={saving.emails} />
        </div>
      ) : null}
      {saving?.kind === 'failed' ? (
        <p role="alert" class="error">
          Not saved: {saving.message}
        </p>
      ) : null}
      {saving?.kind === 'stale' ? (
        <StalePrompt
          changed="Someone changed this segment meanwhile."
          notRecorded="Your definition was not saved."
          message={saving.message}
          reloadLabel="Start again from the saved segments"
          onReload={onCancel}
        />
      ) : null}
      <div class="actions">
        <button type="submit" class="primary" disabled={busy || !definition}>
          Save segment
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
};

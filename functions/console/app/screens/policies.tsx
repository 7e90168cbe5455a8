import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  getAdminPolicy,
  getAdminPolicyVersions,
  type PolicyKind,
  type StoredPolicy,
  saveAdminPolicy,
} from '../admin-policy-endpoints';
import { type ApiError, asApiError } from '../api';
import { Failure } from '../load';
import { changesBetween, type Draft, draftOf, labelOf, shown } from '../policy-form';
import { formOf, POLICY_FORMS, type PolicyForm } from '../policy-forms';
import { PolicySaveBar, type Saving } from '../policy-save-bar';
import { Link } from '../router';
import type { Person } from '../sign-in';
import { type Issues, issuesOf } from './policy-fields';
import { FormField } from './policy-form-fields';
import { when } from './review-text';

const mayAny = (person: Person, roles: readonly string[]) =>
  person.roles.some((role) => roles.includes(role));

const pathOf = (kind: PolicyKind) => `/console/policies/${kind}`;

type Loaded = { policy: StoredPolicy; versions: StoredPolicy[] | undefined };
/** Who changed what when, newest first: each version against the one before it. */
const History = ({
  form,
  versions,
  me,
}: {
  form: PolicyForm;
  versions: StoredPolicy[];
  me: string;
}) => (
  <section aria-labelledby="history-heading" class="policy-history">
    <h2 id="history-heading">Version history</h2>
    <ol reversed class="cards">
      {versions
        .map((version, i) => ({ version, before: versions[i - 1] }))
        .reverse()
        .map(({ version, before }) => {
          const changes = before ? changesBetween(draftOf(before), draftOf(version)) : [];
          return (
            <li key={version.version} class="card">
              <h3>Version {version.version}</h3>
              <p class="muted small">
                Saved by {version.updatedBy === me ? 'you' : version.updatedBy} on{' '}
                <time dateTime={version.updatedAt}>{when(version.updatedAt)}</time>
              </p>
              {!before ? (
                <p class="small">The first version.</p>
              ) : changes.length === 0 ? (
                <p class="small">Saved with no change.</p>
              ) : (
                <ul class="small changes" aria-label={`Changes in version ${version.version}`}>
                  {changes.map((change) => (
                    <li key={change.path}>
                      {labelOf(form.fields, change.path)}: <del>{shown(change.before)}</del> →{' '}
                      <ins>{shown(change.after)}</ins>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
    </ol>
  </section>
);

/**
 * One admin policy as a form drawn from its description, saved bound to the version shown
 * (someone else's save is a 409 and a reload prompt, never an overwrite), with its history.
 */
const PolicyPage = ({ form, person }: { form: PolicyForm; person: Person }) => {
  const mayChange = mayAny(person, form.writers);
  const mayReadHistory = mayAny(person, form.historians);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [draft, setDraft] = useState<Draft>();
  const [issues, setIssues] = useState<Issues>({});
  const [saving, setSaving] = useState<Saving>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    () =>
      Promise.all([
        getAdminPolicy(form.kind),
        mayReadHistory ? getAdminPolicyVersions(form.kind) : undefined,
      ]).then(
        ([{ policy }, history]) => {
          setLoaded({ policy, versions: history?.versions });
          setDraft(draftOf(policy));
          setIssues({});
          setLoadError(undefined);
        },
        (error: unknown) => setLoadError(asApiError(error)),
      ),
    [form.kind, mayReadHistory],
  );
  useEffect(() => {
    setLoaded(undefined);
    setSaving(undefined);
    load();
  }, [load]);

  if (!loaded || !draft) {
    return loadError ? (
      <Failure error={loadError} onRetry={() => load()} />
    ) : (
      <p role="status">Loading the {form.title.toLowerCase()} policy…</p>
    );
  }
  const { version } = loaded.policy;
  const save = async () => {
    setBusy(true);
    setSaving(undefined);
    try {
      const { policy } = await saveAdminPolicy(form.kind, draft, version);
      await load();
      setSaving({ kind: 'saved', version: policy.version });
    } catch (failure) {
      const error = asApiError(failure);
      if (error.status === 409) setSaving({ kind: 'stale', message: error.message });
      else if (error.status === 400 && Array.isArray(error.detail.fields)) {
        setIssues(issuesOf(error.detail.fields));
        setSaving({ kind: 'invalid', count: error.detail.fields.length });
      } else if (error.code !== 'signing_in') setSaving({ kind: 'failed', message: error.message });
    } finally {
      setBusy(false);
    }
  };
  const edit = (next: unknown) => {
    setDraft(next as Draft);
    if (saving?.kind === 'saved') setSaving(undefined);
  };
  return (
    <>
      <p class="muted">
        Version {version} in force, saved by{' '}
        {loaded.policy.updatedBy === person.sub ? 'you' : loaded.policy.updatedBy} on{' '}
        {when(loaded.policy.updatedAt)}. {form.about}
      </p>
      <div class="policy-columns">
        <form
          class="policy-form"
          aria-label={`${form.title} policy`}
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          {/* Keyed by version: a reload draws every field from the policy loaded. */}
          <div key={version}>
            {form.fields.map((spec) => (
              <FormField
                key={spec.key}
                spec={spec}
                parentPath=""
                parent={draft}
                setParent={edit}
                issues={issues}
              />
            ))}
          </div>
          <PolicySaveBar
            saving={saving}
            version={version}
            busy={busy}
            mayChange={mayChange}
            notAllowed={'Only an admin may change this policy.'}
            onReload={() => load().then(() => setSaving(undefined))}
          />
        </form>
        {loaded.versions ? (
          <History form={form} versions={loaded.versions} me={person.sub} />
        ) : null}
      </div>
    </>
  );
};

/**
 * The admin's policies: approval stages, sharing and the monthly budget, engagement cadence and
 * recognition points, one at a time (`kind`), or the list of them. Legal's compliance policy
 * has its own screen.
 */
export const Policies = ({ person, kind }: { person: Person; kind?: PolicyKind }) => {
  const forms = POLICY_FORMS.filter((form) => mayAny(person, form.readers));
  const form = kind ? formOf(kind) : undefined;
  return (
    <div class="policy policies">
      <h1 tabIndex={-1}>{form ? `${form.title} policy` : 'Policies'}</h1>
      <nav aria-label="Policies">
        <ul class="policy-tabs">
          {forms.map((f) => (
            <li key={f.kind}>
              <Link
                href={pathOf(f.kind)}
                class="policy-tab"
                aria-current={f.kind === kind ? 'page' : undefined}
              >
                {f.title}
              </Link>
            </li>
          ))}
          {mayAny(person, ['legal', 'admin']) ? (
            <li>
              <Link href="/console/policy" class="policy-tab">
                Compliance
              </Link>
            </li>
          ) : null}
        </ul>
      </nav>
      {!form ? (
        <ul class="cards">
          {forms.map((f) => (
            <li key={f.kind} class="card">
              <h2>
                <Link href={pathOf(f.kind)}>{f.title}</Link>
              </h2>
              <p class="small">{f.about}</p>
            </li>
          ))}
        </ul>
      ) : forms.includes(form) ? (
        <PolicyPage key={form.kind} form={form} person={person} />
      ) : (
        <p role="alert" class="error">
          Your role may not read this policy.
        </p>
      )}
    </div>
  );
};

import { useCallback, useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  type CompliancePolicy,
  getPolicy,
  getPolicyVersions,
  type PolicyDraft,
  savePolicy,
} from '../policy-endpoints';
import { PolicySaveBar, type Saving } from '../policy-save-bar';
import { DryRun, Impact } from './policy-checks';
import { type Issues, issuesOf } from './policy-fields';
import { PolicyRules } from './policy-rules';
import { when } from './review-text';

const draftOf = ({ version: _v, updatedBy: _by, updatedAt: _at, ...draft }: CompliancePolicy) =>
  draft as PolicyDraft;

type Loaded = { policy: CompliancePolicy; versions: CompliancePolicy[] };
const History = ({ versions }: { versions: CompliancePolicy[] }) => (
  <section aria-labelledby="history-heading" class="rules">
    <h2 id="history-heading">Version history</h2>
    <div class="scroll">
      <table>
        <caption class="muted small">Newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Saved by</th>
            <th scope="col">When</th>
          </tr>
        </thead>
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.version}>
              <td>Version {v.version}</td>
              <td>{v.updatedBy}</td>
              <td>
                <time dateTime={v.updatedAt}>{when(v.updatedAt)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  </section>
);

/**
 * Legal's compliance policy: every rule kind editable, a dry run and the impact of the draft
 * before saving, and saving bound to the version shown (someone else's save is a 409 and a
 * reload prompt, never an overwrite).
 */
/** `mayChange`: legal saves; an admin sees the policy and checks drafts, but has no Save. */
export const CompliancePolicyScreen = ({ mayChange }: { mayChange: boolean }) => {
  const [loaded, setLoaded] = useState<Loaded>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [draft, setDraft] = useState<PolicyDraft>();
  const [issues, setIssues] = useState<Issues>({});
  const [saving, setSaving] = useState<Saving>();
  const [busy, setBusy] = useState(false);
  const load = useCallback(
    () =>
      Promise.all([getPolicy(), getPolicyVersions()]).then(
        ([{ policy }, { versions }]) => {
          setLoaded({ policy, versions });
          setDraft(draftOf(policy));
          setIssues({});
        },
        (error: unknown) => setLoadError(asApiError(error)),
      ),
    [],
  );
  useEffect(() => {
    load();
  }, [load]);
  const showIssues = (fields: unknown) => setIssues(issuesOf(fields));

  if (!loaded || !draft) {
    return (
      <>
        <h1 tabIndex={-1}>Compliance policy</h1>
        {loadError && loadError.code !== 'signing_in' ? (
          <div role="alert" class="error">
            <p>{loadError.message}</p>
            <button type="button" onClick={() => load()}>
              Try again
            </button>
          </div>
        ) : (
          <p role="status">Loading the policy…</p>
        )}
      </>
    );
  }
  const { version } = loaded.policy;
  const save = async () => {
    setBusy(true);
    setSaving(undefined);
    try {
      const { policy } = await savePolicy(draft, version);
      await load();
      setSaving({ kind: 'saved', version: policy.version });
    } catch (failure) {
      const error = asApiError(failure);
      if (error.status === 409) setSaving({ kind: 'stale', message: error.message });
      else if (error.status === 400 && Array.isArray(error.detail.fields)) {
        showIssues(error.detail.fields);
        setSaving({ kind: 'invalid', count: error.detail.fields.length });
      } else if (error.code !== 'signing_in') setSaving({ kind: 'failed', message: error.message });
    } finally {
      setBusy(false);
    }
  };
  const edit = (next: PolicyDraft) => {
    setDraft(next);
    if (saving?.kind === 'saved') setSaving(undefined);
  };
  return (
    <div class="policy">
      <h1 tabIndex={-1}>Compliance policy</h1>
      <p class="muted">
        Version {version} in force, saved by {loaded.policy.updatedBy} on{' '}
        {when(loaded.policy.updatedAt)}. Your edits stay a draft until you save them.
      </p>
      <div class="policy-columns">
        <form
          class="policy-form"
          aria-label="Policy rules"
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          {/* Keyed by version: a reload draws every field from the policy loaded. */}
          <PolicyRules key={version} draft={draft} issues={issues} onChange={edit} />
          <PolicySaveBar
            saving={saving}
            version={version}
            busy={busy}
            mayChange={mayChange}
            notAllowed={'Only legal may change the policy: you may edit a draft and check it.'}
            onReload={() => load().then(() => setSaving(undefined))}
          />
        </form>
        <div class="policy-side">
          <DryRun draft={draft} version={version} onIssues={showIssues} />
          <Impact draft={draft} version={version} onIssues={showIssues} />
          <History versions={loaded.versions} />
        </div>
      </div>
    </div>
  );
};

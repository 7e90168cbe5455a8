import { useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { Failure, Loading, useLoad } from '../load';
import { type FieldChange, getDiff, getVersions } from '../post-endpoints';
import { FieldChanges } from './field-changes';
import { when } from './review-text';

/** Every saved version of a post, and what changed between any two of them. */
export const PostHistory = ({ postId, version }: { postId: string; version: number }) => {
  // Asked again whenever a save makes a new version.
  const load = useLoad(() => getVersions(postId).then((a) => a.versions), [postId, version]);
  const [from, setFrom] = useState(Math.max(1, version - 1));
  const [to, setTo] = useState(version);
  const [diff, setDiff] = useState<{ from: number; to: number; changes: FieldChange[] }>();
  const [error, setError] = useState<ApiError>();
  const compare = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await getDiff(postId, from, to);
      setDiff({ from, to, changes: answer.changes });
    } catch (failure) {
      setError(asApiError(failure));
    }
  };
  return (
    <section aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <Loading load={load} what="the versions">
        {(versions) => (
          <>
            <ol class="rows" aria-label="Saved versions">
              {versions.map((v) => (
                <li key={v.version}>
                  Version {v.version} <span class="muted small">· {when(v.editedAt)}</span>
                </li>
              ))}
            </ol>
            {versions.length > 1 ? (
              <form class="row" onSubmit={compare}>
                <label>
                  From version{' '}
                  <select
                    value={from}
                    onChange={(event) => setFrom(Number(event.currentTarget.value))}
                  >
                    {versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        {v.version}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  To version{' '}
                  <select value={to} onChange={(event) => setTo(Number(event.currentTarget.value))}>
                    {versions.map((v) => (
                      <option key={v.version} value={v.version}>
                        {v.version}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="submit">Show the changes</button>
              </form>
            ) : null}
          </>
        )}
      </Loading>
      {error ? <Failure error={error} /> : null}
      {diff ? (
        <div aria-live="polite">
          <h3>
            Version {diff.from} to version {diff.to}
          </h3>
          {diff.changes.length ? (
            <FieldChanges changes={diff.changes} />
          ) : (
            <p>The two versions are the same.</p>
          )}
        </div>
      ) : null}
    </section>
  );
};

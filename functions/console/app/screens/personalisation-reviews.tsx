import { useState } from 'preact/hooks';
import type { ApiError } from '../api';
import { asApiError } from '../api';
import { Loading, useLoad } from '../load';
import {
  decidePersonalisation,
  getPersonalisationQueue,
  type PersonalisationReview,
} from '../review-endpoints';
import { StalePrompt } from '../stale-prompt';
import { MarkedText, networkLabel, when } from './review-text';

type Outcome =
  | { kind: 'done'; message: string }
  | { kind: 'stale'; message: string }
  | { kind: 'failed'; error: ApiError };

/** One employee's edit beside the approved original; the decision names the text shown. */
const EditCard = ({ edit, onReload }: { edit: PersonalisationReview; onReload: () => void }) => {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();
  const network = networkLabel(edit.network);
  const headingId = `edit-${edit.personalisationId}`;
  const prefix = edit.personalisationId.replace(/[^a-zA-Z0-9-]/g, '-');

  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await decidePersonalisation(edit.personalisationId, decision, {
        textHash: edit.textHash,
        ...(decision === 'reject' ? { reason } : {}),
      });
      setOutcome({
        kind: 'done',
        message: decision === 'approve' ? 'You approved this edit.' : 'You rejected this edit.',
      });
    } catch (failure) {
      const error = asApiError(failure);
      setOutcome(
        error.status === 409
          ? { kind: 'stale', message: error.message }
          : { kind: 'failed', error },
      );
    } finally {
      setBusy(false);
    }
  };
  const disabled = busy || outcome !== undefined;

  return (
    <li>
      <article class="card" aria-labelledby={headingId}>
        <h2 id={headingId}>
          An edit for {network}, checked {when(edit.checkedAt)}
        </h2>
        <p class="muted">
          {edit.author
            ? `Written by ${[
                `${edit.author.name} (${edit.author.email})`,
                edit.author.department,
                edit.author.location,
              ]
                .filter(Boolean)
                .join(' · ')}`
            : 'Written by someone no longer in the directory'}
        </p>
        <div class="beside">
          {edit.rendered ? (
            <MarkedText
              rendered={edit.rendered}
              caption={`The employee’s text on ${network}`}
              idPrefix={`${prefix}-edit`}
            />
          ) : (
            <figure class="final review-text">
              <figcaption>The employee’s text on {network}</figcaption>
              <blockquote class="text">{edit.text}</blockquote>
            </figure>
          )}
          {edit.original ? (
            <MarkedText
              rendered={edit.original}
              caption={`The approved original on ${network}`}
              idPrefix={`${prefix}-original`}
            />
          ) : (
            <p class="muted">The approved original is no longer available.</p>
          )}
        </div>
        {outcome?.kind === 'stale' ? (
          <StalePrompt
            changed="The employee changed this text since you opened it."
            notRecorded="Your decision was not recorded."
            message={outcome.message}
            reloadLabel="Reload the new text"
            onReload={onReload}
          />
        ) : null}
        {outcome?.kind === 'failed' && outcome.error.code !== 'signing_in' ? (
          <p role="alert" class="error">
            {outcome.error.message}
          </p>
        ) : null}
        {outcome?.kind === 'done' ? (
          <p role="status" class="notice">
            {outcome.message}
          </p>
        ) : null}
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            decide('reject');
          }}
        >
          <div class="actions">
            <button
              type="button"
              class="primary"
              disabled={disabled}
              onClick={() => decide('approve')}
            >
              Approve this edit
            </button>
          </div>
          <label for={`${prefix}-reason`}>Reason for rejecting (the employee sees it)</label>
          <textarea
            id={`${prefix}-reason`}
            required
            maxLength={2000}
            rows={2}
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          <div>
            <button type="submit" class="danger" disabled={disabled || !reason.trim()}>
              Reject this edit
            </button>
          </div>
        </form>
      </article>
    </li>
  );
};

/** Employees' own wordings that a finding sent to legal, oldest first. */
export const PersonalisationReviews = () => {
  const load = useLoad(getPersonalisationQueue, []);
  return (
    <>
      <h1 tabIndex={-1}>Personalisation reviews</h1>
      <Loading load={load} what="the edits">
        {({ personalisations }) =>
          personalisations.length === 0 ? (
            <p>No employee edit waits for your review.</p>
          ) : (
            <ul class="cards">
              {personalisations.map((edit) => (
                <EditCard
                  key={`${edit.personalisationId}-${edit.textHash}`}
                  edit={edit}
                  onReload={load.reload}
                />
              ))}
            </ul>
          )
        }
      </Loading>
    </>
  );
};

import { StalePrompt } from './stale-prompt';

/** Where a policy's save stands: saved, lost to someone else's save, refused, or failed. */
export type Saving =
  | { kind: 'saved'; version: number }
  | { kind: 'stale'; message: string }
  | { kind: 'invalid'; count: number }
  | { kind: 'failed'; message: string };

/**
 * The foot of every policy form (legal's compliance policy, the admin's others): what the last
 * save did, and Save as the next version for those who may, or why they may not.
 */
export const PolicySaveBar = ({
  saving,
  version,
  busy,
  mayChange,
  notAllowed,
  onReload,
}: {
  saving: Saving | undefined;
  /** The version the draft was edited from. */
  version: number;
  busy: boolean;
  mayChange: boolean;
  /** Said instead of Save to someone who may only look. */
  notAllowed: string;
  onReload: () => void;
}) => (
  <div class="save-bar">
    {saving?.kind === 'invalid' ? (
      <p role="alert" class="error">
        The draft has {saving.count} problem{saving.count === 1 ? '' : 's'}; each is shown at its
        field. Nothing was saved.
      </p>
    ) : null}
    {saving?.kind === 'failed' ? (
      <p role="alert" class="error">
        {saving.message}
      </p>
    ) : null}
    {saving?.kind === 'stale' ? (
      <StalePrompt
        changed="Someone saved this policy since you opened it."
        notRecorded={`Your changes to version ${version} were not saved.`}
        message={saving.message}
        reloadLabel="Reload the policy in force"
        onReload={onReload}
      />
    ) : null}
    {saving?.kind === 'saved' ? (
      <p role="status" class="notice">
        Saved as version {saving.version}.
      </p>
    ) : null}
    {mayChange ? (
      <button type="submit" class="primary" disabled={busy || saving?.kind === 'stale'}>
        Save as version {version + 1}
      </button>
    ) : (
      <p class="muted">{notAllowed}</p>
    )}
  </div>
);

import type { ComponentChildren } from 'preact';

/**
 * What a 409 on a stale version says, wherever a decision or a save is bound to what was shown:
 * what changed, that nothing was recorded, the server's reason, and one button to reload.
 */
export const StalePrompt = (props: {
  changed: string;
  notRecorded: ComponentChildren;
  message: string;
  reloadLabel: string;
  onReload: () => void;
}) => (
  <div role="alert" class="error">
    <p>
      <strong>{props.changed}</strong> {props.notRecorded} {props.message}
    </p>
    <button type="button" class="primary" onClick={props.onReload}>
      {props.reloadLabel}
    </button>
  </div>
);

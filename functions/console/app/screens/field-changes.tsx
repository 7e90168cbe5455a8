import type { FieldChange } from '#shared/posts/field-change';

const shown = (value: unknown) =>
  value === undefined || value === null
    ? '(none)'
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);

/** One field's change: words removed and added, or the value before and after. */
const ChangeRow = ({ change }: { change: FieldChange }) => (
  <li>
    <h3>{change.field}</h3>
    {change.text ? (
      <p class="diff text">
        {change.text.map((token, index) =>
          token.kind === 'added' ? (
            <ins key={index}>{token.text}</ins>
          ) : token.kind === 'removed' ? (
            <del key={index}>{token.text}</del>
          ) : (
            <span key={index}>{token.text}</span>
          ),
        )}
      </p>
    ) : (
      <p class="diff">
        <del>{shown(change.before)}</del> → <ins>{shown(change.after)}</ins>
      </p>
    )}
  </li>
);

/** What changed between two versions of a post, field by field (legal's and marketing's). */
export const FieldChanges = ({ changes }: { changes: readonly FieldChange[] }) => (
  <ul class="changes">
    {changes.map((change) => (
      <ChangeRow key={change.field} change={change} />
    ))}
  </ul>
);

import { useEffect, useState } from 'preact/hooks';
import { errorsAt, type FieldErrors, FLAG_LABELS, FLAGS, type PostFlag } from '../compose-draft';
import { Loading, useLoad } from '../load';
import { getSegmentCount, getSegments } from '../post-endpoints';
import { FieldMessages } from './compose-fields';

type Count = { count: number; complete: boolean } | 'unknown';

const people = (count: Count | undefined) =>
  count === undefined
    ? 'counting…'
    : count === 'unknown'
      ? 'count unavailable'
      : `${count.complete ? '' : 'at least '}${count.count} ${count.count === 1 ? 'person' : 'people'}`;

/**
 * The segments a post may target: the defined ones, each with how many active people it has; a
 * segment the post names that is no longer defined stays listed, marked, so it can be removed.
 */
export const SegmentPicker = ({
  chosen,
  errors,
  onChange,
}: {
  chosen: string[];
  errors: FieldErrors;
  onChange: (segments: string[]) => void;
}) => {
  const load = useLoad(() => getSegments().then((a) => a.segments), []);
  const [counts, setCounts] = useState<Record<string, Count>>({});
  const defined = load.state.kind === 'ready' ? load.state.value : undefined;
  useEffect(() => {
    for (const { segmentId } of defined ?? []) {
      getSegmentCount(segmentId).then(
        (count) => setCounts((all) => ({ ...all, [segmentId]: count })),
        () => setCounts((all) => ({ ...all, [segmentId]: 'unknown' })),
      );
    }
  }, [defined]);
  const messages = errorsAt(errors, 'segments');
  const toggle = (segmentId: string, on: boolean) =>
    onChange(on ? [...chosen, segmentId] : chosen.filter((s) => s !== segmentId));
  return (
    <fieldset
      class="choices"
      {...(messages.length ? { 'aria-describedby': 'segments-error' } : {})}
    >
      <legend>Target segments</legend>
      <Loading load={load} what="the segments">
        {(segments) => (
          <>
            {segments.length === 0 ? (
              <p class="muted">No segment is defined yet; an admin defines them.</p>
            ) : null}
            {segments.map((segment) => (
              <label key={segment.segmentId} class="check-row">
                <input
                  type="checkbox"
                  checked={chosen.includes(segment.segmentId)}
                  onChange={(event) => toggle(segment.segmentId, event.currentTarget.checked)}
                />
                <span>
                  {segment.name}{' '}
                  <span class="muted small">
                    ({segment.segmentId}) · {people(counts[segment.segmentId])}
                  </span>
                </span>
              </label>
            ))}
            {chosen
              .filter((id) => !segments.some((s) => s.segmentId === id))
              .map((id) => (
                <label key={id} class="check-row">
                  <input type="checkbox" checked onChange={() => toggle(id, false)} />
                  <span>
                    {id} <span class="field-error">not defined</span>
                  </span>
                </label>
              ))}
          </>
        )}
      </Loading>
      <FieldMessages id="segments-error" messages={messages} />
    </fieldset>
  );
};

/** Facts about the post a policy keys on (disclaimers, review). */
export const FlagsField = ({
  flags,
  errors,
  onChange,
}: {
  flags: PostFlag[];
  errors: FieldErrors;
  onChange: (flags: PostFlag[]) => void;
}) => (
  <fieldset class="choices">
    <legend>Flags</legend>
    {FLAGS.map((flag) => (
      <label key={flag} class="check-row">
        <input
          type="checkbox"
          checked={flags.includes(flag)}
          onChange={(event) =>
            onChange(
              event.currentTarget.checked ? [...flags, flag] : flags.filter((f) => f !== flag),
            )
          }
        />
        {FLAG_LABELS[flag]}
      </label>
    ))}
    <FieldMessages id="flags-error" messages={errorsAt(errors, 'flags')} />
  </fieldset>
);

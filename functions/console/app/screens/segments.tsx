import { useState } from 'preact/hooks';
import { Loading, useLoad } from '../load';
import { listSegments, type Segment } from '../segment-endpoints';
import { when } from './review-text';
import { SegmentBuilder } from './segment-builder';

const definitionText = (segment: Segment) => {
  if (segment.members) {
    return `${segment.members.length} listed ${segment.members.length === 1 ? 'person' : 'people'}`;
  }
  const all = segment.rule?.all ?? [];
  if (all.length === 0) return 'Everyone';
  return all.map((c) => `${c.attribute} is ${c.in.join(' or ')}`).join(', and ');
};

type Building = { segment?: Segment } | undefined;

/** The segments posts target: the list, and a builder with a live count of who is in one. */
export const Segments = () => {
  const load = useLoad(() => listSegments(), []);
  const [building, setBuilding] = useState<Building>();
  const [said, setSaid] = useState<string>();

  return (
    <div class="segments">
      <h1 tabIndex={-1}>Segments</h1>
      {building ? (
        <SegmentBuilder
          key={building.segment?.segmentId ?? 'new'}
          {...(building.segment ? { editing: building.segment } : {})}
          onCancel={() => {
            setBuilding(undefined);
            load.reload();
          }}
          onSaved={(segment, count) => {
            setBuilding(undefined);
            setSaid(
              `Saved ${segment.name} (${segment.segmentId})${count === undefined ? '' : `: ${count} ${count === 1 ? 'member' : 'members'}`}.`,
            );
            load.reload();
          }}
        />
      ) : (
        <button
          type="button"
          class="primary"
          onClick={() => {
            setSaid(undefined);
            setBuilding({});
          }}
        >
          New segment
        </button>
      )}
      {said ? (
        <p role="status" class="notice">
          {said}
        </p>
      ) : null}
      <Loading load={load} what="the segments">
        {({ segments }) =>
          segments.length === 0 ? (
            <p>No segment is defined yet.</p>
          ) : (
            <div class="scroll">
              <table class="directory-table">
                <caption class="muted small">
                  {segments.length} {segments.length === 1 ? 'segment' : 'segments'} (a company may
                  define at most 500)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Segment</th>
                    <th scope="col">Who is in it</th>
                    <th scope="col">Changed</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {segments.map((segment) => (
                    <tr key={segment.segmentId}>
                      <th scope="row">
                        {segment.name} <span class="muted small">{segment.segmentId}</span>
                      </th>
                      <td>{definitionText(segment)}</td>
                      <td>
                        <time dateTime={segment.updatedAt}>{when(segment.updatedAt)}</time>
                      </td>
                      <td>
                        <button
                          type="button"
                          aria-label={`Edit ${segment.name}`}
                          onClick={() => {
                            setSaid(undefined);
                            setBuilding({ segment });
                          }}
                        >
                          Edit
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loading>
    </div>
  );
};

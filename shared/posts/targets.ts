import { ValidationError } from '#shared/errors';

/**
 * A post may target only segments that are defined: checked when it is saved and when it is
 * submitted, so an unknown one is a 400 naming it there, not a refusal first at scheduling after
 * review and approval. `at` is where the segments came from (`body` on a save, `post` on submit).
 */
export const checkTargetsDefined = (
  segments: readonly string[],
  defined: readonly { segmentId: string }[],
  at: 'body' | 'post',
): void => {
  const known = new Set(defined.map((segment) => segment.segmentId));
  const unknown = segments.flatMap((id, i) => (known.has(id) ? [] : [{ id, i }]));
  if (unknown.length === 0) return;
  throw new ValidationError(
    `The post targets segments that are not defined: ${unknown.map((u) => u.id).join(', ')}; define them or target defined ones`,
    unknown.map(({ id, i }) => ({
      field: `${at}.segments.${i}`,
      message: `segment ${id} is not defined`,
    })),
  );
};

import { ValidationError } from '#shared/errors';
import type { PostContent } from '#shared/posts/post';

/**
 * A post may target only segments that are defined, and a variant may be written only for
 * segments the post targets: checked when it is saved and when it is submitted, so an unknown one
 * is a 400 naming it there, not a refusal first at scheduling after review and approval (nor a
 * variant nobody the post reaches could ever get). `at` is where the content came from (`body` on
 * a save, `post` on submit).
 */
export const checkTargetsDefined = (
  content: Pick<PostContent, 'segments' | 'variants'>,
  defined: readonly { segmentId: string }[],
  at: 'body' | 'post',
): void => {
  const known = new Set(defined.map((segment) => segment.segmentId));
  const unknown = content.segments.flatMap((id, i) => (known.has(id) ? [] : [{ id, i }]));
  if (unknown.length > 0) {
    throw new ValidationError(
      `The post targets segments that are not defined: ${unknown.map((u) => u.id).join(', ')}; define them or target defined ones`,
      unknown.map(({ id, i }) => ({
        field: `${at}.segments.${i}`,
        message: `segment ${id} is not defined`,
      })),
    );
  }
  const targeted = new Set(content.segments);
  const outside = content.variants.flatMap((variant, v) =>
    (variant.segments ?? []).flatMap((id, i) => (targeted.has(id) ? [] : [{ id, v, i }])),
  );
  if (outside.length === 0) return;
  throw new ValidationError(
    `A variant is for segments the post does not target: ${[...new Set(outside.map((o) => o.id))].join(', ')}; target them too or choose among the post’s segments`,
    outside.map(({ id, v, i }) => ({
      field: `${at}.variants.${v}.segments.${i}`,
      message: `segment ${id} is not one of the post’s target segments`,
    })),
  );
};

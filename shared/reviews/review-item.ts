import { z } from 'zod';
import { ComplianceFinding } from '#shared/compliance/finding';
import { Personalisation } from '#shared/personalisations/personalisation';
import { FieldChange } from '#shared/posts/field-change';
import { ReviewStagePlan } from '#shared/posts/post';
import { PostView } from '#shared/posts/post-view';
import { RenderedText } from '#shared/shares/rendered-text';

/**
 * What the review answers carry, apart from the routes (no node modules) so the console imports
 * their types: GET /reviews, GET /posts/{postId}/review, GET /reviews/personalisations.
 *
 * A post as its reviewer reads it: each text as sent, why it is regulated, what changed. */
export const ReviewItem = z.object({
  post: PostView,
  stage: ReviewStagePlan.optional(),
  waitingSince: z.string(),
  /** Why the post needs legal (regulated topic, a finding that needs review...); empty if not. */
  regulatedBecause: z.array(z.string()),
  /** The compliance check's record for this version, as it was run. */
  findings: z.array(ComplianceFinding),
  /**
   * Every variant as each network of this deployment would receive it, findings' spans in that
   * very text. No employee reads it yet: a sample person fills the fields (`reader: sample`) and
   * a stand-in of a tracked link's shape holds the link's place.
   */
  rendered: z.array(RenderedText),
  diff: z.object({ against: z.number().int().nullable(), changes: z.array(FieldChange) }),
  /** Set when nobody left may take the stage; an admin names reviewers for the post. */
  noEligibleReviewer: z.string().optional(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;

/** Who wrote an edit, as the directory names them; absent when they are no longer in it. */
export const EditAuthor = z.object({
  name: z.string(),
  email: z.string(),
  department: z.string().optional(),
  location: z.string().optional(),
});
export type EditAuthor = z.infer<typeof EditAuthor>;

/** An employee's edit as legal reads it, beside the original. */
export const PersonalisationReview = Personalisation.extend({
  author: EditAuthor.optional(),
  /**
   * The edit as the network would receive it: the very text `textHash` names, with a stand-in
   * of the tracked link's shape, findings spanned in it.
   */
  rendered: RenderedText.optional(),
  /** The approved original as the same employee would share it on the same network. */
  original: RenderedText.optional(),
});
export type PersonalisationReview = z.infer<typeof PersonalisationReview>;

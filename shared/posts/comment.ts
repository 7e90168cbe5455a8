import { z } from 'zod';

export const CommentRequest = z.strictObject({
  text: z.string().trim().min(1).max(4000),
  /** The comment this one answers; threads stay on the version they discuss. */
  replyTo: z.string().min(1).max(100).optional(),
});

export const Comment = z.object({
  commentId: z.string(),
  postId: z.string(),
  version: z.number().int().positive(),
  authorId: z.string(),
  authorEmail: z.string().optional(),
  text: z.string(),
  replyTo: z.string().optional(),
  /** Set when the comment came with a reviewer's request for changes. */
  kind: z.enum(['comment', 'changes_requested']),
  at: z.iso.datetime(),
});
export type Comment = z.infer<typeof Comment>;

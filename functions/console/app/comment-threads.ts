import type { Comment } from '#shared/posts/comment';

/** Each comment with the replies that answer it (a reply to a reply joins the same thread). */
export const threadsOf = (comments: Comment[]) => {
  const byId = new Map(comments.map((c) => [c.commentId, c]));
  const rootOf = (comment: Comment): Comment => {
    let at = comment;
    for (const seen = new Set<string>(); at.replyTo && !seen.has(at.commentId); ) {
      seen.add(at.commentId);
      const parent = byId.get(at.replyTo);
      if (!parent) break;
      at = parent;
    }
    return at;
  };
  const replies = new Map<string, Comment[]>();
  const roots: Comment[] = [];
  for (const comment of comments) {
    const root = rootOf(comment);
    if (root === comment) roots.push(comment);
    else replies.set(root.commentId, [...(replies.get(root.commentId) ?? []), comment]);
  }
  return roots.map((root) => ({ root, replies: replies.get(root.commentId) ?? [] }));
};

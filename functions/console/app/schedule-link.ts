/**
 * Where marketing schedules a campaign that sends an approved post, the post already chosen on
 * the schedule page (`?post=`). Its own module: the posts list and the post's page link to it
 * without loading each other's chunk.
 */
export const scheduleHref = (postId: string) =>
  `/console/campaigns/new?post=${encodeURIComponent(postId)}`;

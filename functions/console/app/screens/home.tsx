import { waited } from '../elapsed';
import { Loading, useLoad } from '../load';
import { type ListedStatus, listPosts, type PostSummary } from '../post-list-endpoints';
import { getPersonalisationQueue, getReviewQueue, PAGE_SIZE } from '../review-endpoints';
import { Link } from '../router';
import { scheduleHref } from '../schedule-link';
import type { Person } from '../sign-in';
import { when } from './review-text';

/** A count of one page, said honestly when the page was full. */
const counted = (count: number, more: boolean, one: string, many: string) =>
  `${count}${more ? ' or more' : ''} ${count === 1 && !more ? one : many}`;

/** What waits for legal: both queues, oldest first, with how long the oldest has waited. */
const LegalWaiting = () => {
  const load = useLoad(
    () => Promise.all([getReviewQueue('oldest'), getPersonalisationQueue()]),
    [],
  );
  return (
    <Loading load={load} what="what waits for you">
      {([queue, { personalisations }]) => {
        const post = queue.items[0];
        const edit = personalisations[0];
        return (
          <div class="cards waiting">
            <section class="card" aria-labelledby="waiting-posts">
              <h2 id="waiting-posts">
                {counted(queue.items.length, Boolean(queue.cursor), 'post', 'posts')} to review
              </h2>
              {post ? (
                <p>
                  Oldest:{' '}
                  <Link href={`/console/reviews/${encodeURIComponent(post.post.postId)}`}>
                    {post.post.title}
                  </Link>
                  , waiting {waited(post.waitingSince)} (since {when(post.waitingSince)}).
                </p>
              ) : (
                <p>No post waits for your review.</p>
              )}
              <p>
                <Link href="/console/reviews">Open the review queue</Link>
              </p>
            </section>
            <section class="card" aria-labelledby="waiting-edits">
              <h2 id="waiting-edits">
                {counted(
                  personalisations.length,
                  personalisations.length >= PAGE_SIZE,
                  'personalisation',
                  'personalisations',
                )}{' '}
                waiting
              </h2>
              {edit ? (
                <p>
                  Oldest: {edit.author ? `${edit.author.name}’s edit` : 'an edit'}, waiting{' '}
                  {waited(edit.checkedAt)} (since {when(edit.checkedAt)}).
                </p>
              ) : (
                <p>No employee edit waits for your review.</p>
              )}
              <p>
                <Link href="/console/personalisations">Open the personalisation reviews</Link>
              </p>
            </section>
          </div>
        );
      }}
    </Loading>
  );
};

/** One card of a marketer's own posts in a status: how many (one page), the first few, where to go. */
const MinePosts = ({
  id,
  title,
  none,
  posts,
  more,
  next,
}: {
  id: string;
  title: string;
  none: string;
  posts: PostSummary[];
  more: boolean;
  /** Where each post leads: its page, or scheduling it. */
  next: (post: PostSummary) => { href: string; label: string };
}) => (
  <section class="card" aria-labelledby={id}>
    <h2 id={id}>
      {counted(posts.length, more, 'post', 'posts')} {title}
    </h2>
    {posts.length === 0 ? <p>{none}</p> : null}
    <ul>
      {posts.slice(0, 5).map((post) => {
        const { href, label } = next(post);
        return (
          <li key={post.postId}>
            <Link href={`/console/posts/${encodeURIComponent(post.postId)}`}>{post.title}</Link> ·{' '}
            <Link href={href}>{label}</Link>
          </li>
        );
      })}
    </ul>
  </section>
);

/**
 * What waits on a marketer: their posts legal sent back, and their approved posts not yet in a
 * campaign. The status is the index the API serves; "mine" is applied within its bounded page.
 */
const MarketingWaiting = ({ person }: { person: Person }) => {
  const mine = (status: ListedStatus) => listPosts({ status, author: person.sub });
  const load = useLoad(
    () => Promise.all([mine('changes_requested'), mine('approved')]),
    [person.sub],
  );
  return (
    <Loading load={load} what="what waits on you">
      {([sentBack, approved]) => (
        <div class="cards waiting">
          <MinePosts
            id="waiting-changes"
            title="sent back for changes"
            none="None of your posts waits for a change."
            posts={sentBack.posts}
            more={Boolean(sentBack.cursor)}
            next={(post) => ({
              href: `/console/posts/${encodeURIComponent(post.postId)}`,
              label: 'Edit and resubmit',
            })}
          />
          <MinePosts
            id="waiting-schedule"
            title="approved, not scheduled"
            none="No approved post of yours waits for a campaign."
            posts={approved.posts}
            more={Boolean(approved.cursor)}
            next={(post) => ({
              href: scheduleHref(post.postId),
              label: 'Schedule a campaign',
            })}
          />
          <section class="card" aria-labelledby="start-here">
            <h2 id="start-here">Start here</h2>
            <ul>
              <li>
                <Link href="/console/posts/new">Write a post</Link>
              </li>
              <li>
                <Link href="/console/campaigns">Campaigns and how they are going</Link>
              </li>
              <li>
                <Link href="/console/analytics">Analytics</Link>
              </li>
            </ul>
          </section>
        </div>
      )}
    </Loading>
  );
};

/** What an admin looks after, one link each. */
const AdminStart = () => (
  <section class="card" aria-labelledby="admin-start">
    <h2 id="admin-start">Looking after Chorus</h2>
    <ul>
      <li>
        <Link href="/console/directory">Directory: people, and importing a CSV</Link>
      </li>
      <li>
        <Link href="/console/segments">Segments</Link>
      </li>
      <li>
        <Link href="/console/policies">
          Policies: approval, sharing and budget, engagement, points
        </Link>
      </li>
    </ul>
  </section>
);

/**
 * Where someone who is not an employee lands: a greeting, and what waits for them — legal's
 * queues, a marketer's posts sent back or ready to schedule, an admin's places to look after.
 */
export const Home = ({ person }: { person: Person }) => (
  <>
    <h1 tabIndex={-1}>Welcome, {person.name}</h1>
    <p>
      Signed in as {person.email}
      {person.roles.length ? ` (${person.roles.join(', ')})` : ''}.
    </p>
    {person.roles.includes('legal') ? <LegalWaiting /> : null}
    {person.roles.includes('marketing') ? <MarketingWaiting person={person} /> : null}
    {person.roles.includes('admin') ? <AdminStart /> : null}
  </>
);

import { waited } from '../elapsed';
import { Loading, useLoad } from '../load';
import { getPersonalisationQueue, getReviewQueue, PAGE_SIZE } from '../review-endpoints';
import { Link } from '../router';
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

/** Where someone who is not an employee lands: a greeting, and for legal what waits for them. */
export const Home = ({ person }: { person: Person }) => (
  <>
    <h1 tabIndex={-1}>Welcome, {person.name}</h1>
    <p>
      Signed in as {person.email}
      {person.roles.length ? ` (${person.roles.join(', ')})` : ''}.
    </p>
    {person.roles.includes('legal') ? <LegalWaiting /> : null}
  </>
);

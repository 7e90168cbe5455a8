import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { Failure, Loading, useLoad } from '../load';
import {
  type Campaign,
  campaignsOf,
  type ListedStatus,
  listPosts,
  listSegments,
  type PostFilters,
  type PostPage,
  type PostSummary,
  type Segment,
} from '../post-list-endpoints';
import { filteredWithinPage, STATUS_LABELS, standingOf } from '../post-standing';
import { Link } from '../router';
import { scheduleHref } from '../schedule-link';
import type { Person } from '../sign-in';
import { when } from './review-text';

const STATUSES: readonly ListedStatus[] = [
  'draft',
  'submitted',
  'compliance_checked',
  'in_review',
  'changes_requested',
  'rejected',
  'approved',
  'scheduled',
  'expired',
  'withdrawn',
];

const FILTER_NAMES: Record<keyof PostFilters, string> = {
  status: 'status',
  author: '“only mine”',
  segment: 'segment',
  title: 'title',
};

const listed = (names: string[]) =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** A scheduled post's campaigns, read once each: when it goes out is theirs, not the post's. */
const useCampaigns = (posts: readonly PostSummary[]) => {
  const [campaigns, setCampaigns] = useState<Record<string, Campaign[] | 'failed'>>({});
  useEffect(() => {
    let live = true;
    const wanted = posts.filter((p) => p.status === 'scheduled' && !(p.postId in campaigns));
    for (const post of wanted) {
      campaignsOf(post.postId).then(
        (answer) =>
          live && setCampaigns((known) => ({ ...known, [post.postId]: answer.campaigns })),
        () => live && setCampaigns((known) => ({ ...known, [post.postId]: 'failed' })),
      );
    }
    return () => {
      live = false;
    };
  }, [posts]);
  return (postId: string) => {
    const known = campaigns[postId];
    return known === 'failed' ? undefined : known;
  };
};

const PostRow = ({
  post,
  me,
  campaigns,
  segments,
}: {
  post: PostSummary;
  me: string;
  campaigns: Campaign[] | undefined;
  segments: ReadonlyMap<string, string>;
}) => (
  <li class="card post-row">
    <h2>
      <Link href={`/console/posts/${encodeURIComponent(post.postId)}`}>{post.title}</Link>
    </h2>
    <p class="standing">
      <span class="badge">{STATUS_LABELS[post.status]}</span>{' '}
      {standingOf(post, { me, campaigns, when })}
    </p>
    <p class="muted small">
      By {post.authorId === me ? 'you' : (post.authorEmail ?? post.authorId)} · version{' '}
      {post.version} · updated <time dateTime={post.updatedAt}>{when(post.updatedAt)}</time>
      {post.segments.length
        ? ` · for ${post.segments.map((s) => segments.get(s) ?? s).join(', ')}`
        : ''}
    </p>
    {/* Approved and not scheduled yet: what marketing does next. */}
    {post.status === 'approved' ? (
      <p class="small">
        <Link href={scheduleHref(post.postId)} aria-label={`Schedule a campaign for ${post.title}`}>
          Schedule a campaign
        </Link>
      </p>
    ) : null}
  </li>
);

/**
 * Marketing's posts: filtered and ordered as the API's indexes serve them, each saying where it
 * stands and on whom it waits; the next page follows the cursor.
 */
export const PostList = ({ person }: { person: Person }) => {
  const [filters, setFilters] = useState<PostFilters>({});
  const [title, setTitle] = useState('');
  const [titleError, setTitleError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [moreFailed, setMoreFailed] = useState<ApiError>();
  const load = useLoad(() => listPosts(filters), [filters]);
  const segments = useLoad(() => listSegments(), []);
  const page = load.state.kind === 'ready' ? load.state.value : undefined;
  const campaignsFor = useCampaigns(page?.posts ?? []);
  const segmentNames = new Map(
    segments.state.kind === 'ready'
      ? segments.state.value.segments.map((s: Segment) => [s.segmentId, s.name] as const)
      : [],
  );

  const change = (next: PostFilters) => {
    setMoreFailed(undefined);
    setFilters(next);
  };
  const search = (event: Event) => {
    event.preventDefault();
    const prefix = title.trim();
    // The API's rule: a prefix must hold a letter or digit (the title list folds the rest away).
    if (prefix && !/[\p{L}\p{N}]/u.test(prefix)) {
      setTitleError('Type at least one letter or digit of the title.');
      return;
    }
    setTitleError(undefined);
    change({ ...filters, title: prefix || undefined });
  };
  const loadMore = async (shown: PostPage, cursor: string) => {
    setBusy(true);
    setMoreFailed(undefined);
    try {
      const next = await listPosts(filters, cursor);
      const seen = new Set(shown.posts.map((p) => p.postId));
      load.set({
        ...next,
        posts: [...shown.posts, ...next.posts.filter((p) => !seen.has(p.postId))],
      });
    } catch (failure) {
      setMoreFailed(asApiError(failure));
    } finally {
      setBusy(false);
    }
  };
  const within = filteredWithinPage(filters);

  return (
    <div class="post-list">
      <div class="heading-row">
        <h1 tabIndex={-1}>Posts</h1>
        <Link href="/console/posts/new" class="button primary">
          New post
        </Link>
      </div>
      <form aria-label="Find posts" class="post-filters" onSubmit={search}>
        <div class="post-filter">
          <label for="posts-status">Status</label>
          <select
            id="posts-status"
            value={filters.status ?? ''}
            onChange={(e) =>
              change({ ...filters, status: (e.currentTarget.value || undefined) as ListedStatus })
            }
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="post-filter">
          <label for="posts-segment">Segment</label>
          <select
            id="posts-segment"
            value={filters.segment ?? ''}
            onChange={(e) => change({ ...filters, segment: e.currentTarget.value || undefined })}
          >
            <option value="">Any segment</option>
            {segments.state.kind === 'ready'
              ? segments.state.value.segments.map((s) => (
                  <option key={s.segmentId} value={s.segmentId}>
                    {s.name}
                  </option>
                ))
              : null}
          </select>
        </div>
        <label class="check-row">
          <input
            type="checkbox"
            checked={filters.author === person.sub}
            onChange={(e) =>
              change({ ...filters, author: e.currentTarget.checked ? person.sub : undefined })
            }
          />
          Only my posts
        </label>
        <div class="post-filter title-search">
          <label for="posts-title">Title starts with</label>
          <input
            id="posts-title"
            type="search"
            value={title}
            maxLength={200}
            aria-invalid={titleError ? 'true' : undefined}
            aria-describedby={titleError ? 'posts-title-error' : undefined}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          {titleError ? (
            <span id="posts-title-error" class="field-error">
              {titleError}
            </span>
          ) : null}
        </div>
        <button type="submit">Search</button>
      </form>
      {segments.state.kind === 'failed' ? (
        <p class="muted small">The segments could not be read; every segment is listed.</p>
      ) : null}
      <Loading load={load} what="the posts">
        {(shown) => (
          <>
            <p class="muted small" aria-live="polite">
              {shown.order === 'title'
                ? 'Sorted by title, A to Z (a title search reads the title list).'
                : 'Newest update first.'}
            </p>
            {within.length ? (
              <p class="notice-partial small">
                The {listed(within.map((f) => FILTER_NAMES[f]))} filter
                {within.length > 1 ? 's are' : ' is'} applied within each page the API reads, so a
                page may hold fewer posts than asked, even none, while more remain: “Load more”
                keeps looking until the list ends.
              </p>
            ) : null}
            {shown.posts.length === 0 && !shown.cursor ? (
              <p>No posts match.</p>
            ) : shown.posts.length === 0 ? (
              <p>No posts on this page match; more remain.</p>
            ) : (
              <ul class="cards" aria-label="Posts">
                {shown.posts.map((post) => (
                  <PostRow
                    key={post.postId}
                    post={post}
                    me={person.sub}
                    campaigns={campaignsFor(post.postId)}
                    segments={segmentNames}
                  />
                ))}
              </ul>
            )}
            {moreFailed ? <Failure error={moreFailed} /> : null}
            {shown.cursor ? (
              <button
                type="button"
                disabled={busy}
                onClick={() => shown.cursor && loadMore(shown, shown.cursor)}
              >
                {busy ? 'Loading more…' : 'Load more'}
              </button>
            ) : shown.posts.length ? (
              <p class="muted small">That is every post that matches.</p>
            ) : null}
          </>
        )}
      </Loading>
    </div>
  );
};

import { useEffect, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import {
  allows,
  bodyOf,
  changedFrom,
  type Draft,
  draftOf,
  emptyDraft,
  errorsAt,
  type FieldErrors,
  fieldErrorsOf,
} from '../compose-draft';
import { Failure, Loading, useLoad } from '../load';
import {
  createPost,
  deletePost,
  getPost,
  type PostView,
  savePost,
  submitPost,
  withdrawPost,
} from '../post-endpoints';
import { getComments } from '../review-endpoints';
import { Link, navigate } from '../router';
import { StalePrompt } from '../stale-prompt';
import { CommentThread } from './comment-thread';
import { MediaField, TextField, VariantsField } from './compose-fields';
import { LivePreview } from './compose-preview';
import { Conflict, ReviewState } from './compose-status';
import { FlagsField, SegmentPicker } from './compose-targets';
import { EndActions } from './post-end-actions';
import { PostHistory } from './post-history';

const POSTS = '/console/posts';
const pathOf = (postId: string) => `${POSTS}/${encodeURIComponent(postId)}`;

/** The fields the form shows; an issue about any other is said in the page's alert. */
const FORM_FIELDS = [
  'title',
  'variants',
  'link',
  'media',
  'topics',
  'segments',
  'language',
  'expiresAt',
  'plannedFor',
  'flags',
];

/** States the checking worker moves on from by itself: the screen asks again until it has. */
const PASSING = ['submitted', 'compliance_checked'];

/** What a first save says on the new post's own page (the move there mounts a new screen). */
let arrival: { postId: string; notice: string } | undefined;

type Outcome =
  | { kind: 'notice'; message: string }
  | { kind: 'failed'; error: ApiError }
  | { kind: 'stale'; message: string }
  | { kind: 'conflict'; theirs: PostView };

/** The post's conversation with legal, asked again after each comment. */
const Comments = ({ postId, version }: { postId: string; version: number }) => {
  const load = useLoad(() => getComments(postId).then((a) => a.comments), [postId]);
  return (
    <Loading load={load} what="the comments">
      {(comments) => (
        <CommentThread
          postId={postId}
          version={version}
          comments={comments}
          onAdded={load.reload}
        />
      )}
    </Loading>
  );
};

const Editor = ({ initial }: { initial: PostView | undefined }) => {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => (initial ? draftOf(initial) : emptyDraft()));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<Outcome | undefined>(() => {
    if (!arrival || arrival.postId !== initial?.postId) return undefined;
    const { notice } = arrival;
    arrival = undefined;
    return { kind: 'notice', message: notice };
  });
  const [busy, setBusy] = useState(false);
  // A change to a field answers what the API said about it: its messages go until the next save.
  const set =
    <K extends keyof Draft>(key: K) =>
    (value: Draft[K]) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setErrors((all) =>
        Object.fromEntries(Object.entries(all).filter(([field]) => field.split('.')[0] !== key)),
      );
    };

  // While the compliance check runs, ask again until the review has started (or it failed).
  const status = saved?.status;
  useEffect(() => {
    if (!saved || !PASSING.includes(saved.status)) return;
    const timer = setTimeout(() => {
      getPost(saved.postId).then(
        ({ post }) => {
          if (post.version === saved.version) setSaved(post);
        },
        () => undefined,
      );
    }, 1000);
    return () => clearTimeout(timer);
  }, [saved]);

  const dirty = changedFrom(draft, saved);
  const mayEdit = !status || allows('edit', status);

  const failed = (error: ApiError) => {
    setErrors(fieldErrorsOf(error));
    setOutcome(
      error.status === 409 ? { kind: 'stale', message: error.message } : { kind: 'failed', error },
    );
  };

  /** Saves the form bound to the version read, or (keeping mine) to the one saved since. */
  const save = async (over?: PostView) => {
    setBusy(true);
    setOutcome(undefined);
    setErrors({});
    try {
      if (!saved) {
        const { post } = await createPost(bodyOf(draft));
        arrival = { postId: post.postId, notice: 'Saved version 1 as a draft.' };
        navigate(pathOf(post.postId), { replace: true });
        return;
      }
      const base = over ?? saved;
      const { post } = await savePost(saved.postId, bodyOf(draft), base.version);
      setSaved(post);
      setOutcome({ kind: 'notice', message: `Saved version ${post.version}.` });
    } catch (failure) {
      const error = asApiError(failure);
      if (error.status === 409 && saved) {
        // Someone saved since: show their version beside this one. Any other 409 (a campaign
        // is scheduled) is said as the API says it.
        const theirs = await getPost(saved.postId).then(
          (a) => a.post,
          () => undefined,
        );
        if (theirs && theirs.version !== (over ?? saved).version) {
          setOutcome({ kind: 'conflict', theirs });
          return;
        }
      }
      failed(error);
    } finally {
      setBusy(false);
    }
  };

  /** A workflow action on the post as saved; its answer is the post's new state. */
  const act = async (call: () => Promise<{ post: PostView }>, said: (post: PostView) => string) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const { post } = await call();
      setSaved(post);
      setOutcome({ kind: 'notice', message: said(post) });
      return post;
    } catch (failure) {
      failed(asApiError(failure));
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const reloadFrom = (post: PostView, message: string) => {
    setSaved(post);
    setDraft(draftOf(post));
    setErrors({});
    setOutcome({ kind: 'notice', message });
  };
  const reload = async () => {
    if (!saved) return;
    try {
      const { post } = await getPost(saved.postId);
      reloadFrom(post, `Loaded version ${post.version}.`);
    } catch (failure) {
      failed(asApiError(failure));
    }
  };

  const unshown = Object.entries(errors).filter(
    ([field]) => !FORM_FIELDS.includes(field.split('.')[0] ?? ''),
  );

  return (
    <div class="compose">
      <p class="small">
        <Link href={POSTS}>← Posts</Link>
      </p>
      <h1 tabIndex={-1}>{saved ? saved.title : 'New post'}</h1>
      {outcome?.kind === 'notice' ? (
        <p role="status" class="notice">
          {outcome.message}
        </p>
      ) : null}
      {outcome?.kind === 'failed' ? (
        <div>
          <Failure error={outcome.error} />
          {Object.keys(errors).length > unshown.length ? (
            <p class="field-error">The fields marked below need a change.</p>
          ) : null}
          {unshown.length ? (
            <ul class="field-error">
              {unshown.map(([field, messages]) => (
                <li key={field}>
                  {field}: {messages.join('; ')}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {outcome?.kind === 'stale' ? (
        <StalePrompt
          changed="This post changed since you opened it."
          notRecorded="Nothing was done."
          message={outcome.message}
          reloadLabel="Reload the post"
          onReload={reload}
        />
      ) : null}
      {outcome?.kind === 'conflict' ? (
        <Conflict
          mine={draft}
          theirs={outcome.theirs}
          busy={busy}
          onReload={() => reloadFrom(outcome.theirs, `Loaded version ${outcome.theirs.version}.`)}
          onKeepMine={() => save(outcome.theirs)}
        />
      ) : null}
      {saved ? <ReviewState post={saved} /> : null}
      <div class="compose-columns">
        <form
          class="compose-form"
          aria-label="Post"
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <fieldset class="plain" disabled={!mayEdit}>
            {!mayEdit && status ? (
              <p class="muted">A {status.replaceAll('_', ' ')} post cannot be edited.</p>
            ) : null}
            <TextField
              id="title"
              label="Title"
              required
              value={draft.title}
              onInput={set('title')}
              messages={errorsAt(errors, 'title')}
            />
            <VariantsField
              variants={draft.variants}
              segments={draft.segments}
              errors={errors}
              onChange={set('variants')}
            />
            {/* On a phone the preview comes after the whole form: a way to it from the copy. */}
            <p class="to-preview small">
              <a href="#preview-heading">See what each network receives</a>
            </p>
            <TextField
              id="link"
              label="Link (https://)"
              type="url"
              value={draft.link}
              onInput={set('link')}
              messages={errorsAt(errors, 'link')}
            />
            <MediaField media={draft.media} errors={errors} onChange={set('media')} />
            <TextField
              id="topics"
              label="Topics"
              hint="Separated by commas, e.g. funds, careers"
              value={draft.topics}
              onInput={set('topics')}
              messages={errorsAt(errors, 'topics')}
            />
            <SegmentPicker chosen={draft.segments} errors={errors} onChange={set('segments')} />
            <TextField
              id="language"
              label="Language"
              hint="A language tag such as en or en-GB"
              value={draft.language}
              onInput={set('language')}
              messages={errorsAt(errors, 'language')}
            />
            <TextField
              id="expires"
              label="Expires at"
              type="datetime-local"
              hint="After this, nobody is offered it; empty: it does not expire"
              value={draft.expiresAt}
              onInput={set('expiresAt')}
              messages={errorsAt(errors, 'expiresAt')}
            />
            <TextField
              id="planned"
              label="Planned for"
              type="datetime-local"
              hint="When you would like it out: reviewers can order their queue by it"
              value={draft.plannedFor}
              onInput={set('plannedFor')}
              messages={errorsAt(errors, 'plannedFor')}
            />
            <FlagsField flags={draft.flags} errors={errors} onChange={set('flags')} />
          </fieldset>
          <div class="save-bar">
            {saved && ['in_review', 'approved', 'scheduled'].includes(saved.status) ? (
              <p class="muted small">
                Saving makes a new version: its review starts again and earlier approvals no longer
                count.
              </p>
            ) : null}
            <div class="actions">
              <button
                type="submit"
                class="primary"
                disabled={busy || !mayEdit || (!!saved && !dirty)}
              >
                {saved ? 'Save a new version' : 'Save as draft'}
              </button>
              {saved && allows('submit', saved.status) ? (
                <button
                  type="button"
                  disabled={busy || dirty}
                  onClick={() =>
                    act(
                      () => submitPost(saved.postId),
                      (post) => `Submitted version ${post.version} for review.`,
                    )
                  }
                >
                  Submit for review
                </button>
              ) : null}
            </div>
            <p class="muted small">
              {dirty
                ? 'You have unsaved changes.'
                : saved
                  ? `Version ${saved.version} is saved.`
                  : ''}
              {dirty && saved && allows('submit', saved.status)
                ? ' Save them before submitting.'
                : ''}
            </p>
          </div>
        </form>
        <div class="side">
          <LivePreview draft={draft} />
        </div>
      </div>
      {saved ? (
        <div class="compose-more">
          <EndActions
            post={saved}
            busy={busy}
            onWithdraw={(reason) =>
              act(
                () => withdrawPost(saved.postId, reason),
                () => 'Withdrawn: it leaves the library and nothing more is published.',
              )
            }
            onDelete={() =>
              act(
                () => deletePost(saved.postId),
                () => 'Deleted.',
              ).then((post) => {
                if (post) navigate(POSTS);
                return post;
              })
            }
          />
          <PostHistory postId={saved.postId} version={saved.version} />
          <Comments postId={saved.postId} version={saved.version} />
        </div>
      ) : null}
    </div>
  );
};

/** Marketing's compose and edit screen: a new post, or the post at `postId`. */
export const Compose = ({ postId }: { postId?: string }) => {
  const load = useLoad(
    () => (postId ? getPost(postId).then((a) => a.post) : Promise.resolve(undefined)),
    [postId],
  );
  // The answer for this very post: right after a move to another, the last one is still held.
  if (load.state.kind === 'ready' && load.state.value?.postId === postId) {
    return <Editor key={postId ?? 'new'} initial={load.state.value} />;
  }
  return (
    <>
      <h1 tabIndex={-1}>{postId ? 'Post' : 'New post'}</h1>
      {load.state.kind === 'ready' ? (
        <p role="status">Loading the post…</p>
      ) : (
        <Loading load={load} what="the post">
          {() => null}
        </Loading>
      )}
    </>
  );
};

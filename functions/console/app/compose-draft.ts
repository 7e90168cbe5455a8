import type { KnownNetwork } from '#shared/networks/limits';
import type { allowedFrom } from '#shared/posts/allowed-actions';
import type { POST_FLAGS, PostContent, PostStatus } from '#shared/posts/post';
import type { PostView } from '#shared/posts/post-view';
import type { TEMPLATE_FIELDS } from '#shared/posts/template';

/** A fact about a post a policy can key on. */
export type PostFlag = (typeof POST_FLAGS)[number];

/** What an author writes, as the API takes it (plus when they would like it out). */
export type PostBody = PostContent & { plannedFor?: string };

/**
 * A post as the compose form holds it (strings as typed, lists as picked), and how it becomes
 * the body the API takes. Pure, so the form's rules are tested without a browser.
 */
export interface Draft {
  title: string;
  /** `segments`: the post's target segments the variant is for; none picked: all of them. */
  variants: { text: string; networks: KnownNetwork[]; segments: string[] }[];
  link: string;
  media: { url: string; altText: string }[];
  /** As typed: comma-separated. */
  topics: string;
  segments: string[];
  language: string;
  /** `datetime-local` values, in the browser's time zone; empty: none. */
  expiresAt: string;
  plannedFor: string;
  flags: PostFlag[];
}

// `satisfies` keeps these lists whole: a network or flag added to the API fails the typecheck here.
const NETWORK_NAMES = {
  linkedin: 'LinkedIn',
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  sandbox: 'Sandbox',
} satisfies Record<KnownNetwork, string>;
export const NETWORKS = Object.keys(NETWORK_NAMES) as KnownNetwork[];

export const FLAG_LABELS = {
  promotional: 'Promotional',
  containsTestimonial: 'Contains a testimonial',
  rxPromotional: 'Promotes a prescription medicine',
  forwardLooking: 'Forward-looking statements',
  pastPerformance: 'Mentions past performance',
} satisfies Record<PostFlag, string>;
export const FLAGS = Object.keys(FLAG_LABELS) as PostFlag[];

/*
 * The API's own lists, repeated because no shared module may reach the browser bundle; each is
 * typed as the API's exact list, so any difference fails the typecheck.
 */
export const TEMPLATE_FIELD_NAMES: typeof TEMPLATE_FIELDS = [
  'employee.firstName',
  'employee.lastName',
  'employee.name',
  'company',
];

type From = typeof allowedFrom;
const ALLOWED: { [A in 'edit' | 'submit' | 'withdraw' | 'delete']: From[A] } = {
  edit: ['draft', 'changes_requested', 'in_review', 'approved', 'scheduled'],
  submit: ['draft', 'changes_requested'],
  withdraw: [
    'draft',
    'submitted',
    'compliance_checked',
    'in_review',
    'changes_requested',
    'approved',
    'scheduled',
  ],
  delete: ['draft', 'changes_requested', 'rejected', 'withdrawn', 'expired'],
};

/** Whether the workflow lets this action start from this status (else the API answers 409). */
export const allows = (action: keyof typeof ALLOWED, status: PostStatus): boolean =>
  (ALLOWED[action] as readonly PostStatus[]).includes(status);

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` value in the browser's time zone (minutes). */
export const localInput = (iso: string | undefined): string => {
  if (!iso) return '';
  const at = new Date(iso);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
};

/** A `datetime-local` value as an instant; what is not a date goes as typed, for the API to name. */
const instant = (local: string): string => {
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? local : at.toISOString();
};

export const emptyVariant = (): Draft['variants'][number] => ({
  text: '',
  networks: [],
  segments: [],
});

export const emptyDraft = (): Draft => ({
  title: '',
  variants: [emptyVariant()],
  link: '',
  media: [],
  topics: '',
  segments: [],
  language: 'en',
  expiresAt: '',
  plannedFor: '',
  flags: [],
});

export const draftOf = (post: PostView): Draft => ({
  title: post.title,
  variants: post.variants.map((v) => ({
    text: v.text,
    networks: v.networks ?? [],
    segments: v.segments ?? [],
  })),
  link: post.link ?? '',
  media: post.media.map((m) => ({ ...m })),
  topics: post.topics.join(', '),
  segments: [...post.segments],
  language: post.language,
  expiresAt: localInput(post.expiresAt),
  plannedFor: localInput(post.plannedFor),
  flags: [...post.flags],
});

export const topicsOf = (typed: string): string[] =>
  typed
    .split(',')
    .map((topic) => topic.trim().toLowerCase())
    .filter(Boolean);

/**
 * A variant's segments in the order of the post's targets; one the post no longer targets goes
 * too (last), for the API to name rather than the form to drop silently.
 */
const segmentsIn = (picked: readonly string[], targets: readonly string[]): string[] => [
  ...targets.filter((s) => picked.includes(s)),
  ...picked.filter((s) => !targets.includes(s)),
];

/**
 * The body a save sends: empty optional fields left out, a variant for every network (and every
 * target segment) unnamed.
 */
export const bodyOf = (draft: Draft): PostBody => ({
  title: draft.title,
  variants: draft.variants.map((v) => ({
    text: v.text,
    ...(v.networks.length ? { networks: NETWORKS.filter((n) => v.networks.includes(n)) } : {}),
    ...(v.segments.length ? { segments: segmentsIn(v.segments, draft.segments) } : {}),
  })),
  ...(draft.link.trim() ? { link: draft.link.trim() } : {}),
  media: draft.media,
  topics: topicsOf(draft.topics),
  segments: draft.segments,
  language: draft.language.trim() || 'en',
  ...(draft.expiresAt ? { expiresAt: instant(draft.expiresAt) } : {}),
  ...(draft.plannedFor ? { plannedFor: instant(draft.plannedFor) } : {}),
  flags: FLAGS.filter((f) => draft.flags.includes(f)),
});

/** Whether the form holds something other than the version it was read from. */
export const changedFrom = (draft: Draft, saved: PostView | undefined): boolean =>
  JSON.stringify(bodyOf(draft)) !== JSON.stringify(bodyOf(saved ? draftOf(saved) : emptyDraft()));

/** A 400's field issues by field, as the form names its fields (`body.segments.0` is `segments.0`). */
export type FieldErrors = Record<string, string[]>;

export const fieldErrorsOf = (error: {
  status: number;
  detail: Record<string, unknown>;
}): FieldErrors => {
  const fields = error.detail.fields;
  if (error.status !== 400 || !Array.isArray(fields)) return {};
  const byField: FieldErrors = {};
  for (const issue of fields as { field?: unknown; message?: unknown }[]) {
    if (typeof issue.field !== 'string' || typeof issue.message !== 'string') continue;
    const field = issue.field.replace(/^(body|post)\./, '');
    byField[field] = [...(byField[field] ?? []), issue.message];
  }
  return byField;
};

/** The messages for a field and everything under it (`variants.0` takes `variants.0.text`). */
export const errorsAt = (errors: FieldErrors, field: string): string[] =>
  Object.entries(errors).flatMap(([at, messages]) =>
    at === field || at.startsWith(`${field}.`) ? messages : [],
  );

import { describe, expect, it } from 'vitest';
import {
  allows,
  bodyOf,
  changedFrom,
  draftOf,
  emptyDraft,
  errorsAt,
  fieldErrorsOf,
  localInput,
} from '#functions/console/app/compose-draft';
import { allowedFrom } from '#shared/posts/allowed-actions';
import { POST_STATUSES, PostContent } from '#shared/posts/post';
import type { PostView } from '#shared/posts/post-view';

const saved = {
  postId: 'post-1',
  version: 3,
  status: 'draft',
  title: 'Fund news',
  variants: [{ text: 'For LinkedIn', networks: ['linkedin'] }, { text: 'For everyone else' }],
  link: 'https://acme.example/fund',
  media: [{ url: 'https://acme.example/a.png', altText: 'A chart' }],
  topics: ['funds', 'news'],
  segments: ['sales'],
  language: 'en',
  expiresAt: '2027-01-31T17:30:00.000Z',
  flags: ['promotional'],
  authorId: 'u1',
  editedBy: 'u1',
  contributors: [{ userId: 'u1' }],
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  approvals: [],
  everScheduled: false,
} as unknown as PostView;

describe('the compose form’s draft', () => {
  it('turns a saved post into the form and back into the body the API takes, unchanged', () => {
    const body = bodyOf(draftOf(saved));
    expect(body).toEqual({
      title: 'Fund news',
      variants: [{ text: 'For LinkedIn', networks: ['linkedin'] }, { text: 'For everyone else' }],
      link: 'https://acme.example/fund',
      media: [{ url: 'https://acme.example/a.png', altText: 'A chart' }],
      topics: ['funds', 'news'],
      segments: ['sales'],
      language: 'en',
      expiresAt: '2027-01-31T17:30:00.000Z',
      flags: ['promotional'],
    });
    // What the form sends is what the API's own schema accepts, strict as it is.
    expect(PostContent.safeParse(body).success).toBe(true);
    expect(changedFrom(draftOf(saved), saved)).toBe(false);
    expect(changedFrom({ ...draftOf(saved), title: 'Fund news!' }, saved)).toBe(true);
  });

  it('leaves out what the author left empty, and reads topics as typed', () => {
    const body = bodyOf({
      ...emptyDraft(),
      title: 'Hello',
      variants: [{ text: 'Hi', networks: ['x', 'linkedin'], segments: [] }],
      topics: ' Funds,, careers ,',
    });
    expect(body).toEqual({
      title: 'Hello',
      // In the API's order of networks, whatever order they were ticked in.
      variants: [{ text: 'Hi', networks: ['linkedin', 'x'] }],
      media: [],
      topics: ['funds', 'careers'],
      segments: [],
      language: 'en',
      flags: [],
    });
    expect(changedFrom(emptyDraft(), undefined)).toBe(false);
  });

  it('sends a variant’s segments in the order of the post’s targets, none picked: for all of them', () => {
    const body = bodyOf({
      ...emptyDraft(),
      title: 'Hello',
      segments: ['sales', 'lisbon', 'finance'],
      variants: [
        { text: 'For Lisbon and sales', networks: [], segments: ['lisbon', 'sales'] },
        { text: 'For everyone', networks: [], segments: [] },
      ],
    });
    expect(body.variants).toEqual([
      { text: 'For Lisbon and sales', segments: ['sales', 'lisbon'] },
      { text: 'For everyone' },
    ]);
    // A variant's segment the post no longer targets is sent as picked, for the API to name.
    const untargeted = bodyOf({
      ...emptyDraft(),
      segments: ['sales'],
      variants: [{ text: 'Hi', networks: [], segments: ['lisbon', 'sales'] }],
    });
    expect(untargeted.variants).toEqual([{ text: 'Hi', segments: ['sales', 'lisbon'] }]);
    const post = { ...saved, variants: [{ text: 'Sales', segments: ['sales'] }] } as PostView;
    expect(draftOf(post).variants).toEqual([{ text: 'Sales', networks: [], segments: ['sales'] }]);
    expect(bodyOf(draftOf(post)).variants).toEqual([{ text: 'Sales', segments: ['sales'] }]);
  });

  it('shows a date in the browser’s time zone and sends it back as the same instant', () => {
    const local = localInput('2027-01-31T17:30:00.000Z');
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(bodyOf({ ...emptyDraft(), expiresAt: local }).expiresAt).toBe(
      '2027-01-31T17:30:00.000Z',
    );
    // Not a date: sent as typed, so the API names the field.
    expect(bodyOf({ ...emptyDraft(), expiresAt: 'soon' }).expiresAt).toBe('soon');
  });

  it('puts a 400’s field issues beside the fields the form names', () => {
    const error = {
      status: 400,
      detail: {
        fields: [
          { field: 'variants.1.text', message: 'unknown template field {{employee.nick}}' },
          { field: 'body.segments.0', message: 'segment ghosts is not defined' },
          { field: 'title', message: 'Too small' },
        ],
      },
    };
    const errors = fieldErrorsOf(error);
    expect(errorsAt(errors, 'variants.1.text')).toEqual([
      'unknown template field {{employee.nick}}',
    ]);
    expect(errorsAt(errors, 'variants.0.text')).toEqual([]);
    expect(errorsAt(errors, 'segments')).toEqual(['segment ghosts is not defined']);
    expect(errorsAt(errors, 'title')).toEqual(['Too small']);
    // Only a 400 names fields.
    expect(fieldErrorsOf({ status: 409, detail: { fields: [] } })).toEqual({});
  });

  it('offers an action from exactly the statuses the workflow allows it from', () => {
    for (const action of ['edit', 'submit', 'withdraw', 'delete'] as const) {
      for (const status of POST_STATUSES) {
        expect(allows(action, status), `${action} from ${status}`).toBe(
          (allowedFrom[action] as readonly string[]).includes(status),
        );
      }
    }
  });
});

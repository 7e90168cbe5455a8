import { z } from 'zod';
import { currentEmployee } from '#functions/api/current-employee';
import { deployedNetworks } from '#functions/api/deployed-networks';
import { filteredPages, PAGING_NOTE } from '#functions/api/filtered-pages';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { segmentsOf } from '#shared/employees/segment';
import { LibraryEntry } from '#shared/posts/library';
import { Topic } from '#shared/posts/post';
import {
  RenderedText,
  renderForNetwork,
  standInLink,
  variantsOnNetworks,
} from '#shared/shares/final-text';

const LibraryQuery = z.strictObject({
  topic: Topic.optional(),
  limit: Limit,
  cursor: z.string().max(300).optional(),
});

const LibraryItem = LibraryEntry.extend({
  /**
   * Each variant as each network of this deployment would receive it from me: my data in the
   * fields, disclaimers and disclosure in place, a stand-in of my tracked link's shape (a share
   * gets its own; the feed shows it), findings spanned in the text.
   */
  rendered: z.array(RenderedText),
});

/**
 * Approved, unexpired posts for the employee's segments, newest first. A topic narrows the list;
 * without one, the employee's chosen topics do (posts without topics are for everyone).
 */
export const library = defineRoute({
  summary: 'Approved content for me: my segments and topics, newest first, each text as sent',
  description: `Each of my segments is read in step (at most \`limit\` entries of each a page). ${PAGING_NOTE}`,
  tag: 'library',
  roles: ['employee'],
  query: LibraryQuery,
  response: {
    status: 200,
    description: 'What one request found of the library; pass `cursor` back for more',
    schema: z.object({ posts: z.array(LibraryItem), cursor: z.string().optional() }),
  },
  async handle({ query, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const topics = query.topic ? [query.topic] : employee.consent.topics;
    const segments = segmentsOf(employee, await deps.segments.all());
    const now = deps.now().toISOString();
    const { items: posts, cursor } = await filteredPages<LibraryEntry>({
      limit: query.limit,
      cursor: query.cursor,
      read: async (page) => {
        const read = await deps.posts.library(segments, { limit: page.limit, before: page.cursor });
        return { items: read.entries, next: read.next };
      },
      keep: (entry) =>
        (!entry.expiresAt || entry.expiresAt > now) &&
        (topics.length === 0 ||
          entry.topics.length === 0 ||
          entry.topics.some((t) => topics.includes(t))),
    });
    const [policy, networks] = await Promise.all([
      deps.compliancePolicies.current(),
      deployedNetworks(deps),
    ]);
    const reader = { name: employee.name, jurisdiction: employee.jurisdiction };
    const items = posts.map((entry) => {
      const post = { ...entry, compliance: { disclaimers: entry.disclaimers } };
      return {
        ...entry,
        rendered: variantsOnNetworks(entry, networks).map((at) =>
          renderForNetwork({ post, ...at, policy, reader, postedLink: standInLink(deps.apiUrl) }),
        ),
      };
    });
    return { status: 200, body: { posts: items, ...(cursor ? { cursor } : {}) } };
  },
});

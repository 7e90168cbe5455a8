import { setTimeout as sleep } from 'node:timers/promises';
import type { scenario } from './console-scenario';

type Scenario = ReturnType<typeof scenario>;

/**
 * What a campaign needs before marketing schedules it, set up through the API: people who
 * auto-share, and an approved post for their segment.
 */
export const campaignScenario = (api: Scenario) => ({
  /** `count` people in the sales segment, the sandbox connected, auto-share on at any hour. */
  async autoSharers(count: number, prefix: string) {
    await api.salesSegment();
    const admin = await api.token('admin', 'admin.console@example.com');
    const one = async (i: number) => {
      const email = `${prefix}${i}@example.com`;
      const name = `Seller ${i}`;
      await api.call('POST', '/employees', admin, { email, name, department: 'Sales' });
      const own = await api.token('employee', email, name);
      await api.call('PUT', '/me/connections/sandbox', own, { handle: `${prefix}${i}` });
      await api.call('PUT', '/me/consent', own, {
        networks: { sandbox: { autoShare: true } },
        sharingHours: {
          from: '00:00',
          to: '23:59',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        },
      });
    };
    // A few at a time: the runtime is one process on a shared machine, and its API function
    // times out (10 s, as deployed) when too many requests wait for the same two cores.
    for (let start = 0; start < count; start += 5) {
      await Promise.all(
        Array.from({ length: Math.min(5, count - start) }, (_, i) => one(start + i)),
      );
    }
  },

  /** A post for sales, submitted and approved by a second marketer (and legal if it asks). */
  async approvedPost(title: string, text: string) {
    const author = await api.token('marketing', 'mia.campaigns@example.com', 'Mia Marketing');
    const reviewer = await api.token('marketing', 'max.campaigns@example.com', 'Max Marketing');
    const legal = await api.token('legal', 'lou.campaigns@example.com', 'Lou Legal');
    const {
      post: { postId },
    } = await api.call<{ post: { postId: string } }>('POST', '/posts', author, {
      title,
      variants: [{ text }],
      link: 'https://acme.example/careers',
      topics: ['news'],
      segments: ['sales'],
    });
    await api.call('POST', `/posts/${postId}/submit`, author);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { post } = await api.call<{ post: { status: string; version: number } }>(
        'GET',
        `/posts/${postId}`,
        author,
      );
      if (post.status === 'approved') return postId;
      if (post.status === 'in_review') {
        for (const approver of [reviewer, legal]) {
          await api.call(
            'POST',
            `/posts/${postId}/approve`,
            approver,
            { version: post.version },
            [200, 403, 409, 422],
          );
        }
      }
      if (Date.now() > deadline) throw new Error(`post ${postId} stuck in ${post.status}`);
      await sleep(200);
    }
  },
});

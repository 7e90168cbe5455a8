import { setTimeout as sleep } from 'node:timers/promises';

/** Drives the API over HTTP as the people around an employee would, to give the console content. */
export const scenario = (apiUrl: string) => {
  const token = async (role: string, email: string, name?: string) => {
    const answer = await fetch(`${apiUrl}/_local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ role, email, name }),
    });
    return ((await answer.json()) as { token: string }).token;
  };
  const call = async <T>(
    method: string,
    path: string,
    bearer: string | undefined,
    body?: unknown,
    expected: number[] = [200, 201, 202],
  ): Promise<T> => {
    const answer = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        'idempotency-key': `console-${method}-${path}-${Math.random()}`,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await answer.text();
    if (!expected.includes(answer.status)) {
      throw new Error(`${method} ${path}: ${answer.status} ${text}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** The sales segment every scenario post targets: a post may target only defined segments. */
  const salesSegment = async () => {
    const admin = await token('admin', 'admin.console@example.com');
    await call('PUT', '/segments/sales', admin, {
      name: 'Sales',
      rule: { all: [{ attribute: 'department', in: ['sales'] }] },
    });
  };

  return {
    token,
    call,
    salesSegment,
    /** A person in the directory, in the sales segment, with the sandbox connected. */
    async employee(person: { email: string; name: string; jurisdiction?: string }) {
      const admin = await token('admin', 'admin.console@example.com');
      await call('POST', '/employees', admin, { ...person, department: 'Sales' });
      await salesSegment();
      const own = await token('employee', person.email, person.name);
      await call('PUT', '/me/connections/sandbox', own, { handle: person.email.split('@')[0] });
      // Any hour of any day, so a share made now goes out now whatever this machine's clock says.
      await call('PUT', '/me/consent', own, {
        networks: { sandbox: { autoShare: false } },
        sharingHours: {
          from: '00:00',
          to: '23:59',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        },
      });
    },
    /**
     * An approved post for sales, suggested in a campaign that has started; or, `upcoming`, an
     * auto-share campaign that starts in an hour.
     */
    async suggestedPost(title: string, text: string, options: { upcoming?: boolean } = {}) {
      const author = await token('marketing', 'mia.console@example.com', 'Mia Marketing');
      const reviewer = await token('marketing', 'max.console@example.com', 'Max Marketing');
      const legal = await token('legal', 'lou.console@example.com', 'Lou Legal');
      const {
        post: { postId },
      } = await call<{ post: { postId: string } }>('POST', '/posts', author, {
        title,
        variants: [{ text }],
        link: 'https://acme.example/news',
        topics: ['news'],
        segments: ['sales'],
      });
      await call('POST', `/posts/${postId}/submit`, author);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { post } = await call<{ post: { status: string; version: number } }>(
          'GET',
          `/posts/${postId}`,
          author,
        );
        if (post.status === 'approved') break;
        if (post.status === 'in_review') {
          // Whoever the policy asks next: marketing's four eyes, then legal if regulated.
          for (const approver of [reviewer, legal]) {
            await call(
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
      const { now } = await call<{ now: string }>('GET', '/_local/status', undefined);
      const { campaign } = await call<{ campaign: { campaignId: string } }>(
        'POST',
        '/campaigns',
        author,
        {
          postId,
          scheduledAt: new Date(
            Date.parse(now) + (options.upcoming ? 3_600_000 : 60_000),
          ).toISOString(),
          networks: ['sandbox'],
          mode: options.upcoming ? 'auto' : 'suggest',
          staggerMinutes: 0,
        },
      );
      if (!options.upcoming) await call('POST', '/_local/clock', undefined, { advanceMinutes: 2 });
      return { postId, campaignId: campaign.campaignId };
    },
  };
};

import type { scenario } from './console-scenario';

type Scenario = ReturnType<typeof scenario>;

/** What a campaign needs before marketing schedules it, set up through the API: its audience. */
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
});

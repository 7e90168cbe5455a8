/**
 * How large a proof under load runs. `npm test` runs each at a size that keeps the whole suite
 * under ten minutes on two cores; `npm run test:soak` (SOAK=1, which CI runs after `npm test`)
 * runs them at full size. A variable named for the figure (FLEET_JOBS, FUZZ_RUNS) beats both.
 */
export const soakSize = (variable: string, everyDay: number, full: number): number => {
  const chosen = process.env[variable];
  if (chosen !== undefined) return Number(chosen);
  return process.env.SOAK === '1' ? full : everyDay;
};

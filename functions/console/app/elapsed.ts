/** "3 days", "5 hours", "12 minutes": how long something has waited, as legal reads it. */
export const waited = (since: string, now = Date.now()): string => {
  const minutes = Math.max(0, Math.floor((now - new Date(since).getTime()) / 60_000));
  const [amount, unit] =
    minutes >= 2 * 1440
      ? [Math.floor(minutes / 1440), 'day']
      : minutes >= 120
        ? [Math.floor(minutes / 60), 'hour']
        : [minutes, 'minute'];
  return minutes < 2 ? 'a minute or so' : `${amount} ${unit}s`;
};

/**
 * The time as Chorus sees it. In AWS it is the system clock. The local runtime can move its clock
 * forward (to demo a campaign due in an hour without waiting an hour) and sets the offset here, so
 * every function, the API included, lives on the same clock.
 */
export const CLOCK_OFFSET_VARIABLE = 'CHORUS_CLOCK_OFFSET_MS';

export const now = (): Date =>
  new Date(Date.now() + (Number(process.env[CLOCK_OFFSET_VARIABLE]) || 0));

// The audit screen's form as the API's query, and an entry's change said field by field.
// No browser globals here: unit tests import it.

/** What GET /audit is asked. */
export interface AuditSearch {
  postId?: string;
  /** A person by the email the directory holds; the API finds their steps. */
  email?: string;
  /** ISO date-times with an offset, as the API takes them. */
  from?: string;
  to?: string;
  cursor?: string;
}

/** A post's or a person's whole record, unless a From date narrows it. */
const BEGINNING = '2000-01-01T00:00:00.000Z';

/** A date input's day, in the browser's time zone, as the API's date-time (start or end of day). */
const dayStart = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const dayEnd = (day: string) => new Date(`${day}T23:59:59.999`).toISOString();

export interface Form {
  postId: string;
  email: string;
  from: string;
  to: string;
}

export const searchOf = (form: Form): AuditSearch => {
  const postId = form.postId.trim();
  const email = form.email.trim();
  // Without a post or a person the API reads the log day by day (a month at most, the last
  // week by default); with one it reads that index whole, so an empty From means "all of it".
  const from = form.from ? dayStart(form.from) : postId || email ? BEGINNING : undefined;
  return {
    ...(postId ? { postId } : {}),
    ...(email ? { email } : {}),
    ...(from ? { from } : {}),
    ...(form.to ? { to: dayEnd(form.to) } : {}),
  };
};

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
};

/** What a change did, field by field: only what differs between before and after. */
export const changeSummary = (before: unknown, after: unknown): string[] => {
  const fields = (value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  const was = fields(before);
  const is = fields(after);
  if (!was && !is) {
    return JSON.stringify(before) === JSON.stringify(after)
      ? []
      : [`${shown(before)} → ${shown(after)}`];
  }
  const names = [...new Set([...Object.keys(was ?? {}), ...Object.keys(is ?? {})])];
  return names
    .filter((name) => JSON.stringify(was?.[name]) !== JSON.stringify(is?.[name]))
    .map((name) =>
      was && name in was
        ? `${name}: ${shown(was[name])} → ${shown(is?.[name])}`
        : `${name}: ${shown(is?.[name])}`,
    );
};

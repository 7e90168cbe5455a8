import { z } from 'zod';

/**
 * Someone who wrote or edited some version of a post. The set only grows: words written in an
 * early version can survive every later edit, so their writer stays ineligible to approve.
 */
export const Contributor = z.object({ userId: z.string(), email: z.string().optional() });
export type Contributor = z.infer<typeof Contributor>;

interface Person {
  userId: string;
  email?: string | undefined;
}

const contributorOf = (person: Person): Contributor => ({
  userId: person.userId,
  ...(person.email ? { email: person.email.toLowerCase() } : {}),
});

export const withContributor = (
  contributors: readonly Contributor[],
  person: Person,
): Contributor[] => {
  const known = contributors.find((c) => c.userId === person.userId);
  if (!known) return [...contributors, contributorOf(person)];
  // Learn an email a legacy entry lacked, so named-reviewer checks can see it.
  if (known.email || !person.email) return [...contributors];
  return contributors.map((c) => (c === known ? contributorOf(person) : c));
};

/** Matched by sign-in id, and by email too: named reviewers are named by email. */
export const isContributor = (contributors: readonly Contributor[], person: Person): boolean => {
  const email = person.email?.toLowerCase();
  return contributors.some((c) => c.userId === person.userId || (email && c.email === email));
};

/** Rebuilds the set for a post stored before it was kept: its author and every version's editor. */
export const contributorsFrom = (author: Person, editorIds: readonly string[]): Contributor[] =>
  editorIds.reduce<Contributor[]>(
    (all, userId) => withContributor(all, { userId }),
    [contributorOf(author)],
  );

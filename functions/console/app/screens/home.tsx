import type { Person } from '../sign-in';

export const Home = ({ person }: { person: Person }) => (
  <>
    <h1 tabIndex={-1}>Welcome, {person.name}</h1>
    <p>
      Signed in as {person.email}
      {person.roles.length ? ` (${person.roles.join(', ')})` : ''}.
    </p>
  </>
);

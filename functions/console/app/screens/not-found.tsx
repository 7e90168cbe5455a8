import { Link } from '../router';

export const NotFound = () => (
  <>
    <h1 tabIndex={-1}>Nothing here</h1>
    <p>
      This page does not exist. <Link href="/console">Go to the start</Link>.
    </p>
  </>
);

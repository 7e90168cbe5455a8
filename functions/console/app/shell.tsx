import { useEffect, useRef } from 'preact/hooks';
import { Link, usePath } from './router';
import { Home } from './screens/home';
import { NotFound } from './screens/not-found';
import { type Person, signOut } from './sign-in';

/** Which screen a path shows. */
const screenFor = (path: string, person: Person) => {
  const route = path.replace(/\/+$/, '') || '/console';
  if (route === '/console') return <Home person={person} />;
  return <NotFound />;
};

/** The frame around every screen: who is signed in, where to go, sign out. */
export const Shell = ({ person }: { person: Person }) => {
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a move within the console, focus goes to the new screen, as a page load would put it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="bar">
        <Link href="/console" class="brand">
          Chorus
        </Link>
        <nav aria-label="Console">
          <ul>
            <li>
              <Link href="/console" aria-current={path === '/console' ? 'page' : undefined}>
                Home
              </Link>
            </li>
          </ul>
        </nav>
        <div class="who">
          <span class="name" title={person.email}>
            {person.name}
          </span>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" class="page" ref={main}>
        {screenFor(path, person)}
      </main>
    </>
  );
};

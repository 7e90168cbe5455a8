import { useEffect, useRef } from 'preact/hooks';
import { Link, usePath } from './router';
import { Feed } from './screens/feed';
import { Home } from './screens/home';
import { NotFound } from './screens/not-found';
// Legal's screens.
import { PersonalisationReviews } from './screens/personalisation-reviews';
import { PostReview } from './screens/post-review';
import { ReviewQueue } from './screens/review-queue';
import { type Person, signOut } from './sign-in';

const isEmployee = (person: Person) => person.roles.includes('employee');
const isLegal = (person: Person) => person.roles.includes('legal');

/** Where each screen lives, and who sees it in the navigation. */
const SCREENS = [
  { path: '/console/feed', label: 'Feed', for: isEmployee, render: () => <Feed /> },
  // Legal's screens.
  { path: '/console/reviews', label: 'Review queue', for: isLegal, render: () => <ReviewQueue /> },
  {
    path: '/console/personalisations',
    label: 'Personalisation reviews',
    for: isLegal,
    render: () => <PersonalisationReviews />,
  },
] as const;

/** Which screen a path shows: an employee starts on their feed, others on the welcome page. */
const screenFor = (path: string, person: Person) => {
  const route = path.replace(/\/+$/, '') || '/console';
  if (route === '/console') return isEmployee(person) ? <Feed /> : <Home person={person} />;
  // A post's review page, as a link from the queue or an email reaches it.
  const review = /^\/console\/reviews\/([^/]+)$/.exec(route)?.[1];
  if (review) return <PostReview postId={decodeURIComponent(review)} />;
  return SCREENS.find((screen) => screen.path === route)?.render() ?? <NotFound />;
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
            {SCREENS.filter((screen) => screen.for(person)).map((screen) => (
              <li key={screen.path}>
                <Link href={screen.path} aria-current={path === screen.path ? 'page' : undefined}>
                  {screen.label}
                </Link>
              </li>
            ))}
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

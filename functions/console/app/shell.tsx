import { useEffect, useRef } from 'preact/hooks';
import type { PolicyKind } from './admin-policy-endpoints';
import { lazyScreen } from './lazy-screen';
import { Link, usePath } from './router';
import { Accounts } from './screens/accounts';
import { Audit } from './screens/audit';
import { CompliancePolicyScreen } from './screens/compliance-policy';
import { Feed } from './screens/feed';
import { Home } from './screens/home';
import { Impact } from './screens/impact';
import { NotFound } from './screens/not-found';
import { PersonalisationReviews } from './screens/personalisation-reviews';
import { Personalise } from './screens/personalise';
import { PostReview } from './screens/post-review';
import { ReviewQueue } from './screens/review-queue';
import { Sharing } from './screens/sharing';
import { type Person, signOut } from './sign-in';

// Marketing's and the admin's screens come when first opened (their own chunks).
const Analytics = lazyScreen('analytics', () =>
  import('./screens/analytics').then((m) => m.Analytics),
);
const CampaignLive = lazyScreen('the campaign', () =>
  import('./screens/campaign-live').then((m) => m.CampaignLive),
);
const CampaignNew = lazyScreen('scheduling', () =>
  import('./screens/campaign-new').then((m) => m.CampaignNew),
);
const Campaigns = lazyScreen('campaigns', () =>
  import('./screens/campaigns').then((m) => m.Campaigns),
);
const Compose = lazyScreen('the post', () => import('./screens/compose').then((m) => m.Compose));
const Directory = lazyScreen('the directory', () =>
  import('./screens/directory').then((m) => m.Directory),
);
const Policies = lazyScreen('policies', () => import('./screens/policies').then((m) => m.Policies));
const PostList = lazyScreen('posts', () => import('./screens/post-list').then((m) => m.PostList));
const Segments = lazyScreen('segments', () => import('./screens/segments').then((m) => m.Segments));

const isEmployee = (person: Person) => person.roles.includes('employee');
const isLegal = (person: Person) => person.roles.includes('legal');
const isAuditor = (person: Person) => isLegal(person) || person.roles.includes('admin');
const isAdmin = (person: Person) => person.roles.includes('admin');
const isMarketer = (person: Person) => person.roles.includes('marketing') || isAdmin(person);

/** Where each screen lives, and who sees it in the navigation: grouped by role, in work order. */
const SCREENS = [
  // The employee's.
  { path: '/console/feed', label: 'Feed', for: isEmployee, render: () => <Feed /> },
  { path: '/console/impact', label: 'My impact', for: isEmployee, render: () => <Impact /> },
  { path: '/console/sharing', label: 'My sharing', for: isEmployee, render: () => <Sharing /> },
  { path: '/console/accounts', label: 'Accounts', for: isEmployee, render: () => <Accounts /> },
  // Marketing's (and admins').
  {
    path: '/console/posts',
    label: 'Posts',
    for: isMarketer,
    render: (person: Person) => <PostList person={person} />,
  },
  { path: '/console/campaigns', label: 'Campaigns', for: isMarketer, render: () => <Campaigns /> },
  { path: '/console/analytics', label: 'Analytics', for: isMarketer, render: () => <Analytics /> },
  // Who may define segments and preview their members (the API's rule).
  { path: '/console/segments', label: 'Segments', for: isMarketer, render: () => <Segments /> },
  // Legal's.
  { path: '/console/reviews', label: 'Review queue', for: isLegal, render: () => <ReviewQueue /> },
  {
    path: '/console/personalisations',
    label: 'Personalisation reviews',
    for: isLegal,
    render: () => <PersonalisationReviews />,
  },
  { path: '/console/audit', label: 'Audit', for: isAuditor, render: () => <Audit /> },
  {
    path: '/console/policy',
    label: 'Compliance policy',
    for: (p: Person) => p.roles.some((r) => r === 'legal' || r === 'admin'),
    // Admins may look and check; only legal may change it (the API's rule).
    render: (person: Person) => <CompliancePolicyScreen mayChange={isLegal(person)} />,
  },
  // The admin's.
  { path: '/console/directory', label: 'Directory', for: isAdmin, render: () => <Directory /> },
  {
    path: '/console/policies',
    label: 'Policies',
    for: isAdmin,
    render: (person: Person) => <Policies person={person} />,
  },
] as const;

/** Screens whose path carries what they show, matched by pattern; not in the navigation. */
const PATTERNS: {
  pattern: RegExp;
  render: (match: string[], person: Person) => preact.JSX.Element;
}[] = [
  // The admin's policies, one at a time.
  {
    pattern: /^\/console\/policies\/(approval|sharing|engagement|recognition)$/,
    render: ([kind], person) => <Policies person={person} kind={kind as PolicyKind} />,
  },
  // Employee screens.
  {
    pattern: /^\/console\/personalise\/([^/]+)\/([a-z]+)$/,
    render: ([campaignId = '', network = '']) => (
      <Personalise campaignId={decodeURIComponent(campaignId)} network={network} />
    ),
  },
  // Marketing's compose: a new post, then a post by id.
  { pattern: /^\/console\/posts\/new$/, render: () => <Compose /> },
  {
    pattern: /^\/console\/posts\/([^/]+)$/,
    render: ([postId = '']) => <Compose postId={decodeURIComponent(postId)} />,
  },
  // Marketing's campaigns: scheduling one from a post, and one campaign live.
  { pattern: /^\/console\/campaigns\/new$/, render: () => <CampaignNew /> },
  {
    pattern: /^\/console\/campaigns\/([^/]+)$/,
    render: ([campaignId = '']) => <CampaignLive campaignId={decodeURIComponent(campaignId)} />,
  },
  // Legal's screens: a post's review page, as a link from the queue or an email reaches it.
  {
    pattern: /^\/console\/reviews\/([^/]+)$/,
    render: ([postId = '']) => <PostReview postId={decodeURIComponent(postId)} />,
  },
];

/** Which screen a path shows: an employee starts on their feed, others on the welcome page. */
const screenFor = (path: string, person: Person) => {
  const route = path.replace(/\/+$/, '') || '/console';
  if (route === '/console') return isEmployee(person) ? <Feed /> : <Home person={person} />;
  const screen = SCREENS.find((s) => s.path === route);
  if (screen) return screen.render(person);
  for (const { pattern, render } of PATTERNS) {
    const match = pattern.exec(route);
    if (match) return render(match.slice(1), person);
  }
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

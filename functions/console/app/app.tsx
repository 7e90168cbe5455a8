import { useEffect, useState } from 'preact/hooks';
import { Shell } from './shell';
import {
  CALLBACK_PATH,
  completeSignIn,
  type Person,
  SIGNED_OUT_PATH,
  signedInPerson,
  startSignIn,
} from './sign-in';

type Phase =
  | { kind: 'signing-in' }
  | { kind: 'signed-in'; person: Person }
  | { kind: 'signed-out' }
  | { kind: 'failed'; message: string };

/** Where the page starts: back from sign-in, signed out, or on its way to sign in. */
const boot = async (): Promise<Phase> => {
  if (location.pathname === SIGNED_OUT_PATH) return { kind: 'signed-out' };
  if (location.pathname === CALLBACK_PATH) {
    const to = await completeSignIn();
    history.replaceState(null, '', to);
    const person = signedInPerson();
    if (person) return { kind: 'signed-in', person };
  }
  await startSignIn();
  return { kind: 'signing-in' };
};

export const App = () => {
  const [phase, setPhase] = useState<Phase>({ kind: 'signing-in' });
  useEffect(() => {
    boot().then(setPhase, (error: Error) => setPhase({ kind: 'failed', message: error.message }));
  }, []);

  switch (phase.kind) {
    case 'signed-in':
      return <Shell person={phase.person} />;
    case 'signing-in':
      return (
        <main class="page narrow">
          <p role="status">Signing you in…</p>
        </main>
      );
    case 'signed-out':
      return (
        <main class="page narrow">
          <h1>You are signed out</h1>
          <button type="button" class="primary" onClick={() => startSignIn('/console')}>
            Sign in
          </button>
        </main>
      );
    case 'failed':
      return (
        <main class="page narrow">
          <h1>Sign-in did not work</h1>
          <p role="alert">{phase.message}</p>
          <button type="button" class="primary" onClick={() => startSignIn('/console')}>
            Try again
          </button>
        </main>
      );
  }
};

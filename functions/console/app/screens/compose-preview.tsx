import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, asApiError } from '../api';
import { bodyOf, type Draft } from '../compose-draft';
import { Failure } from '../load';
import { checkDraft, type DraftCheckAnswer } from '../post-endpoints';
import { MarkedText, networkLabel } from './review-text';

/** How long typing must pause before the draft is checked again. */
const PAUSE_MS = 400;

const OUTCOME: Record<DraftCheckAnswer['result']['outcome'], string> = {
  pass: 'passes the compliance policy',
  review: 'needs legal’s review',
  blocked: 'is blocked by the compliance policy',
};

/** What the dry run reads of a draft: the copy and what the policy keys on. */
const checkedPart = (draft: Draft) => {
  const { variants, link, topics, segments, flags } = bodyOf(draft);
  return { variants, ...(link ? { link } : {}), topics, segments, flags };
};

/**
 * Each variant exactly as its network will receive it (disclaimers and disclosure placed, the
 * length as that network counts it) with the policy's findings marked in it, checked again by
 * the API's dry run whenever typing pauses. The last answer stays while the next is asked for;
 * only the latest question's answer is shown.
 */
export const LivePreview = ({ draft }: { draft: Draft }) => {
  const question = JSON.stringify(checkedPart(draft));
  const [answer, setAnswer] = useState<DraftCheckAnswer>();
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<ApiError>();
  const latest = useRef(0);
  useEffect(() => {
    const part = JSON.parse(question) as ReturnType<typeof checkedPart>;
    if (part.variants.every((v) => !v.text.trim())) {
      latest.current++;
      setAnswer(undefined);
      setChecking(false);
      return;
    }
    const ticket = ++latest.current;
    setChecking(true);
    const timer = setTimeout(() => {
      checkDraft(part).then(
        (checked) => {
          if (ticket !== latest.current) return;
          setAnswer(checked);
          setError(undefined);
          setChecking(false);
        },
        (failure: unknown) => {
          if (ticket !== latest.current) return;
          setError(asApiError(failure));
          setChecking(false);
        },
      );
    }, PAUSE_MS);
    return () => clearTimeout(timer);
  }, [question]);

  return (
    <section aria-labelledby="preview-heading" class="preview">
      <h2 id="preview-heading">What each network receives</h2>
      <p role="status" class="muted small">
        {checking
          ? 'Checking the draft…'
          : answer
            ? `Checked against compliance policy version ${answer.result.policyVersion}: this draft ${OUTCOME[answer.result.outcome]}.`
            : 'Write some copy to see it as each network will receive it.'}
      </p>
      {error && !checking ? (
        error.status === 400 ? (
          <p role="alert" class="error">
            The preview waits for the copy to be valid: {error.message}
            {Array.isArray(error.detail.fields)
              ? ` (${(error.detail.fields as { message?: string }[]).map((f) => f.message).join('; ')})`
              : ''}
          </p>
        ) : (
          <Failure error={error} />
        )
      ) : null}
      {answer ? (
        <ul class="networks">
          {answer.rendered.map((rendered) => {
            const caption = `Variant ${rendered.variant + 1} on ${networkLabel(rendered.network)}`;
            const over = rendered.length.counted > rendered.length.limit;
            return (
              <li
                key={`${rendered.variant}-${rendered.network}`}
                class={`network${over ? ' over' : ''}`}
              >
                <MarkedText
                  rendered={rendered}
                  caption={caption}
                  idPrefix={`preview-${rendered.variant}-${rendered.network}`}
                />
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
};

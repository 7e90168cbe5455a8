import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import {
  type Draft,
  emptyVariant,
  errorsAt,
  type FieldErrors,
  NETWORKS,
  TEMPLATE_FIELD_NAMES,
} from '../compose-draft';
import { networkLabel } from './review-text';

/** What the API said is wrong with a field, beside it; the control points at it. */
export const FieldMessages = ({ id, messages }: { id: string; messages: string[] }) =>
  messages.length ? (
    <p class="field-error" id={id}>
      {messages.join('; ')}
    </p>
  ) : null;

/** The attributes that tie a control to its messages. */
export const invalidity = (id: string, messages: string[]) =>
  messages.length ? { 'aria-invalid': true as const, 'aria-describedby': id } : {};

/** A labelled one-line input with the API's messages for its field. */
export const TextField = (props: {
  id: string;
  label: ComponentChildren;
  value: string;
  onInput: (value: string) => void;
  messages: string[];
  type?: 'text' | 'url' | 'datetime-local';
  hint?: string;
  required?: boolean;
}) => (
  <div class="compose-field">
    <label for={props.id}>{props.label}</label>
    {props.hint ? <span class="muted small">{props.hint}</span> : null}
    <input
      id={props.id}
      // Preact types inputs by kind; each of these takes a string value alike.
      type={(props.type ?? 'text') as 'text'}
      value={props.value}
      required={props.required}
      onInput={(event) => props.onInput(event.currentTarget.value)}
      {...invalidity(`${props.id}-error`, props.messages)}
    />
    <FieldMessages id={`${props.id}-error`} messages={props.messages} />
  </div>
);

type Variant = Draft['variants'][number];

/**
 * The post's target segments a variant is for; none ticked, all of them. A segment the variant
 * names that the post no longer targets stays listed, marked, so it can be unticked.
 */
const VariantSegments = ({
  n,
  id,
  variant,
  targets,
  messages,
  onChange,
}: {
  n: number;
  id: string;
  variant: Variant;
  targets: readonly string[];
  messages: string[];
  onChange: (variant: Variant) => void;
}) => {
  const listed = [...targets, ...variant.segments.filter((s) => !targets.includes(s))];
  return (
    <fieldset
      class="choices"
      {...(messages.length ? { 'aria-describedby': `${id}-segments-error` } : {})}
    >
      <legend>For segments (none ticked: every target segment without its own variant)</legend>
      {listed.length === 0 ? (
        <p class="muted small">Choose the post’s target segments first.</p>
      ) : null}
      {listed.map((segmentId) => (
        <label key={segmentId} class="check-row">
          <input
            type="checkbox"
            aria-label={`Variant ${n} for segment ${segmentId}`}
            checked={variant.segments.includes(segmentId)}
            onChange={(event) =>
              onChange({
                ...variant,
                segments: event.currentTarget.checked
                  ? [...variant.segments, segmentId]
                  : variant.segments.filter((s) => s !== segmentId),
              })
            }
          />
          {segmentId}
          {targets.includes(segmentId) ? null : (
            <span class="field-error small"> (not a target of the post)</span>
          )}
        </label>
      ))}
      <FieldMessages id={`${id}-segments-error`} messages={messages} />
    </fieldset>
  );
};

/**
 * One variant: its copy (template fields insertable at the cursor), the networks and the target
 * segments it is for.
 */
const VariantField = ({
  index,
  variant,
  targets,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  variant: Variant;
  targets: readonly string[];
  errors: FieldErrors;
  onChange: (variant: Variant) => void;
  onRemove?: (() => void) | undefined;
}) => {
  const box = useRef<HTMLTextAreaElement>(null);
  const n = index + 1;
  const id = `variant-${index}`;
  const textErrors = errorsAt(errors, `variants.${index}.text`);
  const networkErrors = errorsAt(errors, `variants.${index}.networks`);
  const insert = (field: string) => {
    const at = box.current;
    const placeholder = `{{${field}}}`;
    const start = at?.selectionStart ?? variant.text.length;
    const end = at?.selectionEnd ?? start;
    onChange({
      ...variant,
      text: variant.text.slice(0, start) + placeholder + variant.text.slice(end),
    });
    requestAnimationFrame(() => {
      at?.focus();
      at?.setSelectionRange(start + placeholder.length, start + placeholder.length);
    });
  };
  return (
    <fieldset class="variant">
      <legend>Variant {n}</legend>
      <label for={id}>Copy of variant {n}</label>
      <textarea
        id={id}
        ref={box}
        rows={4}
        maxLength={3000}
        value={variant.text}
        onInput={(event) => onChange({ ...variant, text: event.currentTarget.value })}
        {...invalidity(`${id}-error`, textErrors)}
      />
      <FieldMessages id={`${id}-error`} messages={textErrors} />
      <div class="template-fields">
        <span class="muted small" id={`${id}-fields`}>
          Insert a template field:
        </span>
        {TEMPLATE_FIELD_NAMES.map((field) => (
          <button
            key={field}
            type="button"
            class="link"
            aria-describedby={`${id}-fields`}
            onClick={() => insert(field)}
          >
            {`{{${field}}}`}
          </button>
        ))}
      </div>
      <fieldset class="choices">
        <legend>
          Networks for variant {n} (none ticked: every network without its own variant)
        </legend>
        {NETWORKS.map((network) => (
          <label key={network} class="check-row">
            <input
              type="checkbox"
              checked={variant.networks.includes(network)}
              onChange={(event) =>
                onChange({
                  ...variant,
                  networks: event.currentTarget.checked
                    ? [...variant.networks, network]
                    : variant.networks.filter((n) => n !== network),
                })
              }
            />
            {networkLabel(network)}
          </label>
        ))}
        <FieldMessages id={`${id}-networks-error`} messages={networkErrors} />
      </fieldset>
      <VariantSegments
        n={n}
        id={id}
        variant={variant}
        targets={targets}
        messages={errorsAt(errors, `variants.${index}.segments`)}
        onChange={onChange}
      />
      {onRemove ? (
        <button type="button" class="danger" onClick={onRemove}>
          Remove variant {n}
        </button>
      ) : null}
    </fieldset>
  );
};

/** Every copy variant, one per network or segment (or for all), at most 20. */
export const VariantsField = ({
  variants,
  segments,
  errors,
  onChange,
}: {
  variants: Draft['variants'];
  /** The post's chosen target segments: those a variant may be for. */
  segments: readonly string[];
  errors: FieldErrors;
  onChange: (variants: Draft['variants']) => void;
}) => {
  const general = errorsAt(errors, 'variants').length && !variants.length;
  return (
    <section aria-labelledby="variants-heading">
      <h2 id="variants-heading">Copy</h2>
      {variants.map((variant, index) => (
        <VariantField
          // Variants have no ids; their place is who they are.
          key={index}
          index={index}
          variant={variant}
          targets={segments}
          errors={errors}
          onChange={(next) => onChange(variants.map((v, i) => (i === index ? next : v)))}
          onRemove={
            variants.length > 1 ? () => onChange(variants.filter((_, i) => i !== index)) : undefined
          }
        />
      ))}
      {general ? (
        <FieldMessages id="variants-error" messages={errorsAt(errors, 'variants')} />
      ) : null}
      <button
        type="button"
        disabled={variants.length >= 20}
        onClick={() => onChange([...variants, emptyVariant()])}
      >
        Add a variant
      </button>
    </section>
  );
};

/** Up to four images, each with the alt text a screen reader will say. */
export const MediaField = ({
  media,
  errors,
  onChange,
}: {
  media: Draft['media'];
  errors: FieldErrors;
  onChange: (media: Draft['media']) => void;
}) => (
  <fieldset class="choices">
    <legend>Images</legend>
    {media.length === 0 ? <p class="muted small">No image.</p> : null}
    {media.map((image, index) => {
      const n = index + 1;
      const set = (change: Partial<Draft['media'][number]>) =>
        onChange(media.map((m, i) => (i === index ? { ...m, ...change } : m)));
      return (
        <div key={index} class="image">
          <TextField
            id={`media-${index}-url`}
            label={`Image ${n} address (https://)`}
            type="url"
            value={image.url}
            onInput={(url) => set({ url })}
            messages={errorsAt(errors, `media.${index}.url`)}
          />
          <TextField
            id={`media-${index}-alt`}
            label={`Image ${n} alt text`}
            value={image.altText}
            onInput={(altText) => set({ altText })}
            messages={errorsAt(errors, `media.${index}.altText`)}
          />
          <button
            type="button"
            class="danger"
            onClick={() => onChange(media.filter((_, i) => i !== index))}
          >
            Remove image {n}
          </button>
        </div>
      );
    })}
    <FieldMessages
      id="media-error"
      messages={errorsAt(errors, 'media').filter(() => !media.length)}
    />
    <button
      type="button"
      disabled={media.length >= 4}
      onClick={() => onChange([...media, { url: '', altText: '' }])}
    >
      Add an image
    </button>
  </fieldset>
);

import { useState } from 'preact/hooks';
import type { PolicyDraft } from '../policy-endpoints';
import { Choice, type Issues, ListField, SectionIssues, TextField, Toggle } from './policy-fields';

type Lexicon = PolicyDraft['lexicon'][number];
type Disclaimer = PolicyDraft['disclaimers'][number];
type FairBalance = PolicyDraft['fairBalance'][number];

const SEVERITIES = ['block', 'review', 'warn'] as const;
const PLACEMENTS = ['end', 'start', 'anywhere'] as const;

/** A rule id from what the rule is about: lowercase words joined by dashes. */
const slug = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

const focusSoon = (path: string) =>
  setTimeout(() => document.getElementById(`policy-${path.replace(/\./g, '-')}`)?.focus());

/**
 * A list of rules of one kind, each in its own fieldset, added and removed by buttons. Removing
 * renumbers the rows, so they are drawn afresh (`generation`) with what they hold.
 */
const Rules = <R,>({
  title,
  kind,
  path,
  rules,
  issues,
  blank,
  firstField,
  onChange,
  row,
}: {
  title: string;
  kind: string;
  path: string;
  rules: readonly R[];
  issues: Issues;
  blank: () => R;
  firstField: string;
  onChange: (rules: R[]) => void;
  row: (rule: R, at: string, set: (rule: R) => void) => preact.JSX.Element;
}) => {
  const [generation, setGeneration] = useState(0);
  return (
    <section aria-labelledby={`${path}-heading`} class="rules">
      <h2 id={`${path}-heading`}>{title}</h2>
      <SectionIssues issues={issues} path={path} />
      {rules.map((rule, i) => (
        <fieldset key={`${generation}-${i}`} class="rule">
          <legend>
            {kind} {i + 1}
          </legend>
          {row(rule, `${path}.${i}`, (next) => onChange(rules.map((r, j) => (j === i ? next : r))))}
          <button
            type="button"
            class="danger"
            onClick={() => {
              onChange(rules.filter((_, j) => j !== i));
              setGeneration(generation + 1);
              // The button pressed is gone: focus goes to the section's add button.
              setTimeout(() => document.getElementById(`${path}-add`)?.focus());
            }}
          >
            Remove {kind.toLowerCase()} {i + 1}
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        id={`${path}-add`}
        onClick={() => {
          onChange([...rules, blank()]);
          focusSoon(`${path}.${rules.length}.${firstField}`);
        }}
      >
        Add {kind.toLowerCase()}
      </button>
    </section>
  );
};

const LexiconRow = (rule: Lexicon, at: string, set: (r: Lexicon) => void, issues: Issues) => (
  <>
    <TextField
      label="Phrase"
      path={`${at}.phrase`}
      issues={issues}
      value={rule.phrase}
      // The id follows the phrase until someone gives it one of its own.
      onChange={(phrase) =>
        set({ ...rule, phrase, id: rule.id === slug(rule.phrase) ? slug(phrase) : rule.id })
      }
    />
    <TextField
      label="Rule id"
      path={`${at}.id`}
      issues={issues}
      value={rule.id}
      onChange={(id) => set({ ...rule, id })}
    />
    <Choice
      label="Severity"
      path={`${at}.severity`}
      issues={issues}
      value={rule.severity}
      options={SEVERITIES}
      onChange={(severity) => set({ ...rule, severity })}
    />
    <TextField
      label="Message"
      hint="{match} stands for the words found"
      path={`${at}.message`}
      issues={issues}
      value={rule.message}
      onChange={(message) => set({ ...rule, message })}
    />
    <TextField
      label="Suggested fix"
      path={`${at}.suggestion`}
      issues={issues}
      value={rule.suggestion ?? ''}
      onChange={(s) => set({ ...rule, suggestion: s || undefined })}
    />
    <ListField
      label="Only in posts on these topics"
      path={`${at}.topics`}
      issues={issues}
      values={rule.topics}
      onChange={(topics) => set({ ...rule, topics })}
    />
  </>
);

const DisclaimerRow = (
  rule: Disclaimer,
  at: string,
  set: (r: Disclaimer) => void,
  issues: Issues,
) => {
  const when = (key: keyof Disclaimer['when'], label: string) => (
    <ListField
      label={label}
      path={`${at}.when.${key}`}
      issues={issues}
      values={rule.when[key]}
      onChange={(values) => set({ ...rule, when: { ...rule.when, [key]: values } })}
    />
  );
  return (
    <>
      <TextField
        label="Disclaimer text"
        long
        path={`${at}.text`}
        issues={issues}
        value={rule.text}
        onChange={(text) => set({ ...rule, text })}
      />
      <TextField
        label="Rule id"
        path={`${at}.id`}
        issues={issues}
        value={rule.id}
        onChange={(id) => set({ ...rule, id })}
      />
      <Choice
        label="Placement"
        path={`${at}.placement`}
        issues={issues}
        value={rule.placement}
        options={PLACEMENTS}
        onChange={(placement) => set({ ...rule, placement })}
      />
      <Toggle
        label="Employees may edit it"
        path={`${at}.editable`}
        checked={rule.editable}
        onChange={(editable) => set({ ...rule, editable })}
      />
      {when('topics', 'When the post is on these topics')}
      {when('segments', 'When it targets these segments')}
      {when('flags', 'When it has these flags')}
      {when('networks', 'On these networks')}
      {when('jurisdictions', 'For readers in these jurisdictions (country codes)')}
    </>
  );
};

const FairBalanceRow = (
  rule: FairBalance,
  at: string,
  set: (r: FairBalance) => void,
  issues: Issues,
) => (
  <>
    <TextField
      label="Rule id"
      path={`${at}.id`}
      issues={issues}
      value={rule.id}
      onChange={(id) => set({ ...rule, id })}
    />
    <ListField
      lines
      label="Benefit phrases"
      path={`${at}.benefits`}
      issues={issues}
      values={rule.benefits}
      onChange={(benefits) => set({ ...rule, benefits })}
    />
    <ListField
      lines
      label="Risk phrases that must balance them"
      path={`${at}.risks`}
      issues={issues}
      values={rule.risks}
      onChange={(risks) => set({ ...rule, risks })}
    />
    <TextField
      label="Message"
      path={`${at}.message`}
      issues={issues}
      value={rule.message}
      onChange={(message) => set({ ...rule, message })}
    />
    <TextField
      label="Suggested fix"
      path={`${at}.suggestion`}
      issues={issues}
      value={rule.suggestion ?? ''}
      onChange={(s) => set({ ...rule, suggestion: s || undefined })}
    />
    <ListField
      label="Only in posts on these topics"
      path={`${at}.topics`}
      issues={issues}
      values={rule.topics}
      onChange={(topics) => set({ ...rule, topics })}
    />
  </>
);

/** Every rule kind of the compliance policy, editable; the API's issues shown at their fields. */
export const PolicyRules = ({
  draft,
  issues,
  onChange,
}: {
  draft: PolicyDraft;
  issues: Issues;
  onChange: (draft: PolicyDraft) => void;
}) => {
  const set = <K extends keyof PolicyDraft>(key: K, value: PolicyDraft[K]) =>
    onChange({ ...draft, [key]: value });
  return (
    <>
      <section aria-labelledby="general-heading" class="rules">
        <h2 id="general-heading">Company and general rules</h2>
        <TextField
          label="Company name"
          path="company"
          issues={issues}
          value={draft.company}
          onChange={(v) => set('company', v)}
        />
        <Toggle
          label="Send texts with personal data (emails, phone numbers, ids) to legal"
          path="personalData"
          checked={draft.personalData}
          onChange={(v) => set('personalData', v)}
        />
        <ListField
          label="Topics that always go to legal"
          path="regulatedTopics"
          issues={issues}
          values={draft.regulatedTopics}
          onChange={(v) => set('regulatedTopics', v)}
        />
      </section>
      <Rules
        title="Forbidden and risky phrases"
        kind="Phrase rule"
        path="lexicon"
        rules={draft.lexicon}
        issues={issues}
        firstField="phrase"
        blank={(): Lexicon => ({
          id: '',
          phrase: '',
          severity: 'block',
          message: "'{match}' is not allowed",
          topics: [],
        })}
        onChange={(v) => set('lexicon', v)}
        row={(rule, at, update) => LexiconRow(rule, at, update, issues)}
      />
      <Rules
        title="Disclaimers"
        kind="Disclaimer"
        path="disclaimers"
        rules={draft.disclaimers}
        issues={issues}
        firstField="text"
        blank={(): Disclaimer => ({
          id: '',
          text: '',
          placement: 'end',
          editable: false,
          when: { topics: [], segments: [], flags: [], networks: [], jurisdictions: [] },
        })}
        onChange={(v) => set('disclaimers', v)}
        row={(rule, at, update) => DisclaimerRow(rule, at, update, issues)}
      />
      <section aria-labelledby="disclosure-heading" class="rules">
        <h2 id="disclosure-heading">Employment disclosure</h2>
        <ListField
          lines
          label="Accepted forms"
          path="disclosure.accepted"
          issues={issues}
          values={draft.disclosure.accepted}
          onChange={(accepted) => set('disclosure', { ...draft.disclosure, accepted })}
        />
        <ListField
          lines
          label="Rejected forms (unclear disclosures)"
          path="disclosure.rejected"
          issues={issues}
          values={draft.disclosure.rejected}
          onChange={(rejected) => set('disclosure', { ...draft.disclosure, rejected })}
        />
        <TextField
          label="Added when a text carries none"
          path="disclosure.append"
          issues={issues}
          value={draft.disclosure.append}
          onChange={(append) => set('disclosure', { ...draft.disclosure, append })}
        />
      </section>
      <Rules
        title="Fair balance"
        kind="Balance rule"
        path="fairBalance"
        rules={draft.fairBalance}
        issues={issues}
        firstField="id"
        blank={(): FairBalance => ({ id: '', benefits: [], risks: [], message: '', topics: [] })}
        onChange={(v) => set('fairBalance', v)}
        row={(rule, at, update) => FairBalanceRow(rule, at, update, issues)}
      />
      <section aria-labelledby="links-heading" class="rules">
        <h2 id="links-heading">Links</h2>
        <ListField
          lines
          label="Allowed domains (none: any https site)"
          path="links.allowedDomains"
          issues={issues}
          values={draft.links.allowedDomains}
          onChange={(allowedDomains) => set('links', { ...draft.links, allowedDomains })}
        />
        <ListField
          lines
          label="Link shorteners (refused)"
          path="links.shorteners"
          issues={issues}
          values={draft.links.shorteners}
          onChange={(shorteners) => set('links', { ...draft.links, shorteners })}
        />
      </section>
    </>
  );
};

// Key tests (POST …/test): one small upstream request per endpoint, and what KeyRelay would do with the key.
// Shown in a dialog of its own for a listed key, and inside the add-key dialogs for a typed key.
import { h, replaceChildren } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { openModal, whileBusy } from './modal.js';
import { button, cardRow, describeError } from './widgets.js';

/** Verdict and class names of the API, with their label and the badge tone they are shown in. */
const VERDICTS = {
  ok: { labelKey: 'verdictOk', tone: 'healthy' },
  quota: { labelKey: 'verdictQuota', tone: 'exhausted' },
  banned: { labelKey: 'verdictBanned', tone: 'exhausted' },
  rate_limited: { labelKey: 'verdictRateLimited', tone: 'rate_limited' },
  invalid_key: { labelKey: 'verdictInvalidKey', tone: 'exhausted' },
  client_error: { labelKey: 'verdictClientError', tone: 'error' },
  transient: { labelKey: 'verdictTransient', tone: 'unknown' },
};

const ACTIONS = {
  none: 'actionNone',
  use_failover: 'actionUseFailover',
  cool_down: 'actionCoolDown',
  rotate: 'actionRotate',
};

/** Verdicts that say nothing about the key itself, with what they do say. */
const HINTS = {
  client_error: 'verdictClientErrorHint',
  transient: 'verdictTransientHint',
};

const ENDPOINTS = {
  primary: 'endpointPrimary',
  failover: 'endpointFailover',
};

function verdictBadge(name) {
  const known = VERDICTS[name];
  return h('span', { class: ['badge', `badge-${known ? known.tone : 'unknown'}`], dataset: { verdict: name } },
    known ? t(known.labelKey) : String(name));
}

function endpointName(name) {
  return ENDPOINTS[name] ? t(ENDPOINTS[name]) : String(name);
}

/** answer: { results: [{ endpoint, status, class, ms, message }], verdict, action, decidedBy }, as readable nodes. */
export function keyTestResult(answer) {
  const results = answer.results || [];
  return h('div', { class: 'key-test', dataset: { verdict: answer.verdict } },
    h('div', { class: 'key-test-verdict' }, verdictBadge(answer.verdict),
      h('span', { class: 'key-test-action', text: ACTIONS[answer.action] ? t(ACTIONS[answer.action]) : String(answer.action) })),
    HINTS[answer.verdict] && h('p', { class: 'field-hint', text: t(HINTS[answer.verdict]) }),
    results.length > 1 && h('p', { class: 'muted', text: t('decidedBy', { endpoint: endpointName(answer.decidedBy) }) }),
    h('div', { class: 'key-test-results' }, results.map((result) => h('section', {
      class: 'key-test-endpoint', dataset: { endpoint: result.endpoint }, 'aria-label': endpointName(result.endpoint),
    },
    h('h3', { class: 'key-test-endpoint-name', text: endpointName(result.endpoint) }),
    cardRow(t('columnHttpStatus'), result.status === null || result.status === undefined ? t('noAnswer') : String(result.status)),
    cardRow(t('columnResult'), verdictBadge(result.class)),
    cardRow(t('columnDuration'), t('durationMs', { ms: formatNumber(result.ms) })),
    result.message && h('p', { class: ['key-test-message', 'muted'], text: t('upstreamSaid', { message: result.message }) })))));
}

/** Runs test() and shows its answer (or why it failed) in box, which announces it. */
async function runInto(box, test) {
  replaceChildren(box, h('p', { class: 'muted', text: t('testing') }));
  try {
    replaceChildren(box, keyTestResult(await test()));
  } catch (error) {
    replaceChildren(box, h('p', { class: 'form-error', role: 'alert', text: t('testFailed', { reason: describeError(error) }) }));
  }
}

/** A dialog that tests a listed key at once and can test it again. */
export function openKeyTest({ title, test }) {
  const box = h('div', { class: 'key-test-box', 'aria-live': 'polite' });
  const again = button(t('testAgain'), { action: 'test-again', onclick: () => whileBusy(again, () => runInto(box, test)) });
  const modal = openModal({
    title,
    wide: true,
    content: box,
    actions: [again, button(t('close'), { variant: 'primary', onclick: () => modal.close() })],
  });
  whileBusy(again, () => runInto(box, test));
}

/**
 * For an add-key dialog: a box for the answer and a "Test key" button that tests what is typed (input() gives
 * { apiKey, enableFailover }) before it is saved.
 */
export function typedKeyTest({ input, test }) {
  const box = h('div', { class: 'key-test-box', 'aria-live': 'polite' });
  const trigger = button(t('testTypedKey'), {
    action: 'test-typed-key',
    onclick: () => whileBusy(trigger, async () => {
      const key = input();
      if (!key.apiKey) {
        replaceChildren(box, h('p', { class: 'form-error', role: 'alert', text: t('errorRequired') }));
        return;
      }
      await runInto(box, () => test(key));
    }),
  });
  return { box, button: trigger };
}

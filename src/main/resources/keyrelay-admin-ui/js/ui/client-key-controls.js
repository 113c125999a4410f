// A client key's controls (SPEC §5a): the form fields that edit them, and how the pages show them.
import { h, uid } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { textField, stateBadge } from './widgets.js';

const PERIODS = { total: 'periodTotal', day: 'periodDay', month: 'periodMonth' };

/** The fields of the controls, filled from key (a new key: empty); read() gives the body to send, or an error key. */
export function controlsForm(key = {}) {
  const rpm = number('rpmLimit', t('rpmLimitLabel'), key.rpmLimit, t('rpmLimitHint'));
  const tpm = number('tpmLimit', t('tpmLimitLabel'), key.tpmLimit, t('tpmLimitHint'));
  const budget = number('tokenBudget', t('tokenBudgetLabel'), key.tokenBudget, t('tokenBudgetHint'));
  const periodId = uid('budget-period');
  const period = h('select', { id: periodId, name: 'budgetPeriod', class: 'input' },
    Object.entries(PERIODS).map(([value, label]) => h('option', { value, text: t(label), selected: (key.budgetPeriod || 'total') === value })));
  const expires = textField({
    label: t('expiresAtLabel'), name: 'expiresAt', type: 'datetime-local', value: toLocalInput(key.expiresAt), hint: t('expiresAtHint'),
  });
  const modelsId = uid('allowed-models');
  const modelsHintId = uid('allowed-models-hint');
  const models = h('textarea', {
    id: modelsId, name: 'allowedModels', class: ['input', 'mono'], rows: '3', spellcheck: 'false', 'aria-describedby': modelsHintId,
  });
  models.value = (key.allowedModels || []).join('\n');
  const fields = [
    h('div', { class: 'form-grid' }, rpm.field, tpm.field, budget.field,
      h('div', { class: 'field' }, h('label', { for: periodId, text: t('budgetPeriodLabel') }), period)),
    expires.field,
    h('div', { class: 'field' }, h('label', { for: modelsId, text: t('allowedModelsLabel') }), models,
      h('p', { id: modelsHintId, class: 'field-hint', text: t('allowedModelsHint') })),
  ];
  return {
    fields,
    /** { body } to send, or { error } naming what to fix. */
    read() {
      const body = {};
      for (const [name, input] of [['rpmLimit', rpm.input], ['tpmLimit', tpm.input], ['tokenBudget', budget.input]]) {
        const value = wholeNumber(input.value);
        if (value === null) return { error: t('errorWholeNumber', { field: input.labels[0].textContent }) };
        body[name] = value;
      }
      body.budgetPeriod = period.value;
      const when = expires.input.value;
      if (when) {
        const date = new Date(when);
        if (Number.isNaN(date.getTime())) return { error: t('errorDate') };
        body.expiresAt = date.toISOString();
      } else {
        body.expiresAt = null;
      }
      body.allowedModels = models.value.split(/[\n,]/).map((m) => m.trim()).filter(Boolean);
      return { body };
    },
  };
}

function number(name, label, value, hint) {
  return textField({ label, name, type: 'number', min: 0, value: String(value || 0), hint });
}

function wholeNumber(raw) {
  const text = raw.trim();
  if (text === '') return 0;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= 0 ? value : null;
}

/** An ISO instant as a datetime-local input's value, in the browser's time zone. */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Requests and tokens per minute, or "No limit". */
export function limitsText(key) {
  const parts = [];
  if (key.rpmLimit > 0) parts.push(t('rpmValue', { rpm: formatNumber(key.rpmLimit) }));
  if (key.tpmLimit > 0) parts.push(t('tpmValue', { tpm: formatNumber(key.tpmLimit) }));
  return parts.length ? parts.join(' · ') : t('noLimit');
}

/** Usage in the budget period as a bar toward the budget, with when it resets; or the period's tokens alone. */
export function budgetView(key) {
  if (!key.tokenBudget) {
    return h('span', { class: 'muted', text: t('noBudget') });
  }
  const used = Math.min(key.tokensUsedInPeriod, key.tokenBudget);
  const full = key.tokensUsedInPeriod >= key.tokenBudget;
  return h('div', { class: ['budget', full && 'is-full'], dataset: { budget: String(key.tokenBudget) } },
    h('progress', {
      class: 'budget-bar', max: String(key.tokenBudget), value: String(used),
      'aria-label': t('budgetBarLabel', { name: key.name }),
    }),
    h('span', { class: 'budget-text', text: t('budgetUsed', {
      used: formatNumber(key.tokensUsedInPeriod), budget: formatNumber(key.tokenBudget), period: t(PERIODS[key.budgetPeriod]),
    }) }),
    key.periodResetsAt && h('span', { class: 'muted', text: t('budgetResets', { time: formatDate(key.periodResetsAt) }) }));
}

/** When the key expires, or "Never". */
export function expiryText(key) {
  return key.expiresAt ? formatDate(key.expiresAt) : t('never');
}

/** The models it may use, or "All models". */
export function modelsText(key) {
  return key.allowedModels && key.allowedModels.length ? key.allowedModels.join(', ') : t('allModels');
}

/** Enabled, disabled or expired. */
export function keyState(key) {
  if (key.expired) return stateBadge('exhausted', t('clientExpired'));
  return key.enabled ? stateBadge('available', t('clientEnabled')) : stateBadge('used', t('clientDisabled'));
}

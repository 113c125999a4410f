// Keys that KeyRelay issues to its own clients: create (shown once), enable/disable, their controls (limits, budget,
// expiry, allowed models) and usage toward the budget.
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { openModal, whileBusy } from '../ui/modal.js';
import { toast } from '../ui/toast.js';
import {
  statCards, pageHeader, button, textField, describeError, dataTable, emptyState, cardRow,
} from '../ui/widgets.js';
import { controlsForm, limitsText, budgetView, expiryText, modelsText, keyState } from '../ui/client-key-controls.js';
import { createPage, confirmThenRun } from './page.js';

export const titleKey = 'clientKeysTitle';

export function create() {
  const page = createPage({ load: () => api.clientKeys(), view: (data) => view(data.keys || [], page) });
  return page;
}

function view(keys, page) {
  const add = button(t('createClientKey'), { variant: 'primary', onclick: () => createModal(page), action: 'create-client-key' });
  const enabled = keys.filter((k) => k.enabled).length;
  return [
    pageHeader(t('clientKeysTitle'), t('clientKeysSubtitle'), [add], page.status),
    statCards([
      { id: 'total', label: t('statTotal'), value: keys.length, tone: 'neutral' },
      { id: 'enabled', label: t('statEnabled'), value: enabled, tone: 'healthy' },
      { id: 'disabled', label: t('statDisabled'), value: keys.length - enabled, tone: 'muted' },
      { id: 'requests', label: t('statRequests'), value: keys.reduce((sum, k) => sum + (k.requestsCount || 0), 0), tone: 'accent' },
    ]),
    keys.length === 0
      ? emptyState(t('noClientKeys'))
      : [table(keys, page), h('div', { class: ['cards', 'mobile-only'] }, keys.map((key) => card(key, page)))],
  ];
}

function table(keys, page) {
  const columns = [
    { label: t('columnName') }, { label: t('columnKey') }, { label: t('columnStatus') }, { label: t('columnRpmLimit') },
    { label: t('columnBudget') }, { label: t('columnExpires') }, { label: t('columnModels') },
    { label: t('columnRequests'), className: 'num' }, { label: t('columnTokens'), className: 'num' },
    { label: t('columnLastUsed') }, { label: t('columnActions'), className: 'actions' },
  ];
  const rows = keys.map((key) => h('tr', { dataset: { keyId: key.id } },
    h('td', { class: 'cell-id', text: key.name }),
    h('td', { class: 'mono', text: key.maskedKey }),
    h('td', {}, keyState(key)),
    h('td', { class: 'nowrap', text: limitsText(key) }),
    h('td', { class: 'cell-budget' }, budgetView(key)),
    h('td', { class: 'nowrap', text: expiryText(key) }),
    h('td', { class: ['mono', 'cell-models'], text: modelsText(key) }),
    h('td', { class: 'num', text: formatNumber(key.requestsCount) }),
    h('td', { class: 'num', text: formatNumber(key.tokensUsed) }),
    h('td', { class: 'nowrap', text: formatDate(key.lastUsedAt) }),
    h('td', { class: 'actions' }, actions(key, page, 'table'))));
  return dataTable(t('clientKeysTitle'), columns, rows);
}

function card(key, page) {
  return h('article', { class: 'card', dataset: { keyId: key.id }, 'aria-label': key.name },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', text: key.name }), keyState(key)),
    cardRow(t('columnKey'), h('span', { class: 'mono', text: key.maskedKey })),
    cardRow(t('columnRpmLimit'), limitsText(key)),
    h('div', { class: 'card-budget' }, budgetView(key)),
    cardRow(t('columnExpires'), expiryText(key)),
    cardRow(t('columnModels'), modelsText(key)),
    cardRow(t('columnRequests'), formatNumber(key.requestsCount)),
    cardRow(t('columnTokens'), formatNumber(key.tokensUsed)),
    cardRow(t('columnLastUsed'), formatDate(key.lastUsedAt)),
    h('div', { class: 'card-actions' }, actions(key, page, 'card')));
}

function actions(key, page, where) {
  return [
    button(t(key.enabled ? 'disable' : 'enable'), {
      small: true, focusId: `${where}-enable-${key.id}`, action: key.enabled ? 'disable' : 'enable',
      ariaLabel: t(key.enabled ? 'disableClientKeyLabel' : 'enableClientKeyLabel', { name: key.name }),
      onclick: () => setEnabled(key, !key.enabled, page),
    }),
    button(t('editLimit'), {
      small: true, focusId: `${where}-limit-${key.id}`, action: 'limit',
      ariaLabel: t('editLimitLabel', { name: key.name }), onclick: () => limitModal(key, page),
    }),
    button(t('delete'), {
      small: true, variant: 'danger-ghost', focusId: `${where}-delete-${key.id}`, action: 'delete',
      ariaLabel: t('deleteClientKeyLabel', { name: key.name }), onclick: () => remove(key, page),
    }),
  ];
}

async function setEnabled(key, enabled, page) {
  try {
    await api.updateClientKey(key.id, { enabled });
    toast.success(t(enabled ? 'toastClientEnabled' : 'toastClientDisabled', { name: key.name }));
  } catch (error) {
    toast.error(t('toastActionError', { reason: describeError(error) }));
  }
  await page.reload();
}

async function remove(key, page) {
  await confirmThenRun(page, {
    title: t('deleteClientKeyTitle', { name: key.name }), message: t('deleteClientKeyMessage'), confirmLabel: t('delete'),
  }, () => api.deleteClientKey(key.id), t('toastClientDeleted', { name: key.name }));
}

function limitModal(key, page) {
  const controls = controlsForm(key);
  const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary'], text: t('save') });
  const modal = openModal({
    title: t('editLimitTitle', { name: key.name }),
    content: controls.fields,
    actions: [button(t('cancel'), { onclick: () => modal.close() }), submit],
    onSubmit: (dialog) => whileBusy(submit, async () => {
      const { body, error } = controls.read();
      if (error) {
        dialog.error(error);
        return;
      }
      try {
        await api.updateClientKey(key.id, body);
        dialog.close();
        toast.success(t('toastLimitSaved', { name: key.name }));
        await page.reload();
      } catch (error) {
        dialog.error(describeError(error));
      }
    }),
  });
}

function createModal(page) {
  const name = textField({ label: t('clientNameLabel'), name: 'name', required: true, maxlength: 100 });
  const controls = controlsForm();
  const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary'], text: t('createClientKey') });
  const modal = openModal({
    title: t('createClientKeyTitle'),
    content: [name.field, ...controls.fields],
    actions: [button(t('cancel'), { onclick: () => modal.close() }), submit],
    onSubmit: (dialog) => whileBusy(submit, async () => {
      const { body: controlsBody, error } = controls.read();
      const body = { name: name.input.value.trim(), ...controlsBody };
      if (!body.name) {
        dialog.error(t('errorRequired'));
        return;
      }
      if (error) {
        dialog.error(error);
        return;
      }
      try {
        const created = await api.createClientKey(body);
        dialog.close();
        showCreatedKey(created);
        await page.reload();
      } catch (error) {
        dialog.error(describeError(error));
      }
    }),
  });
}

/** The full key, this once, with a copy button. */
function showCreatedKey(created) {
  const inputId = uid('new-key');
  const input = h('input', { id: inputId, class: ['input', 'mono'], readonly: true, value: created.key, dataset: { newKey: '' } });
  const copy = button(t('copy'), { variant: 'primary', action: 'copy', onclick: () => copyKey(input) });
  const modal = openModal({
    title: t('clientKeyCreatedTitle', { name: created.name }),
    content: [
      h('p', { class: 'notice', text: t('clientKeyShownOnce') }),
      h('div', { class: 'field' }, h('label', { for: inputId, text: t('clientKeyLabel') }),
        h('div', { class: 'copy-row' }, input, copy)),
    ],
    actions: [button(t('done'), { variant: 'secondary', onclick: () => modal.close() })],
  });
  input.addEventListener('focus', () => input.select());
  copy.focus();
}

async function copyKey(input) {
  try {
    await navigator.clipboard.writeText(input.value);
  } catch (e) {
    // no clipboard API (plain http on another host): select it and let the browser copy
    input.select();
    if (!document.execCommand('copy')) {
      toast.error(t('copyFailed'));
      return;
    }
  }
  toast.success(t('copied'));
}

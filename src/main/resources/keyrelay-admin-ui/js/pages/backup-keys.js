// The backup pool: keys waiting to replace failed ones (one page at a time, searched and filtered by the server),
// their failover setting, test, import, restore and delete.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDate } from '../i18n.js';
import { openModal, whileBusy } from '../ui/modal.js';
import { toast } from '../ui/toast.js';
import {
  stateBadge, failoverSwitch, failoverIndicator, statCards, pageHeader, button, textField, checkboxField,
  describeError, dataTable, emptyState, cardRow,
} from '../ui/widgets.js';
import { createListQuery } from '../ui/list-query.js';
import { openImportDialog } from '../ui/import-dialog.js';
import { openKeyTest, typedKeyTest } from '../ui/key-test.js';
import { createPage, confirmThenRun } from './page.js';

export const titleKey = 'backupKeysTitle';

const STATES = [
  { value: 'available', labelKey: 'backupAvailable' },
  { value: 'used', labelKey: 'backupUsed' },
];

export function create() {
  const query = createListQuery({ statuses: STATES, onChange: () => page.reload({ force: true }) });
  const page = createPage({
    load: async () => {
      let list = await api.backupKeys(query.params());
      if (query.lastPage(list.matching)) list = await api.backupKeys(query.params());
      return { list, filtered: query.filtered() };
    },
    view: (data) => view(data, page, query),
  });
  return page;
}

function view({ list: data, filtered }, page, query) {
  const keys = data.keys || [];
  const add = button(t('addBackupKey'), { variant: 'primary', onclick: () => addModal(page), action: 'add-backup-key' });
  const bulk = button(t('importBackupKeys'), {
    action: 'import',
    onclick: () => openImportDialog({ title: t('importTitle'), send: api.importBackupKeys, onImported: () => page.reload() }),
  });
  return [
    pageHeader(t('backupKeysTitle'), t('backupKeysSubtitle'), [bulk, add], page.status),
    statCards([
      { id: 'total', label: t('statTotal'), value: data.total, tone: 'neutral' },
      { id: 'available', label: t('statAvailable'), value: data.available, tone: 'healthy' },
      { id: 'used', label: t('statUsed'), value: data.used, tone: 'muted' },
      { id: 'failover-enabled', label: t('statFailoverEnabled'), value: data.failoverEnabledCount, tone: 'accent' },
    ]),
    data.total > 0 && query.controls(),
    keys.length === 0
      ? emptyState(t(filtered ? 'noMatchingKeys' : 'noBackupKeys'))
      : [table(keys, page), h('div', { class: ['cards', 'mobile-only'] }, keys.map((key) => card(key, page))),
        query.pager(keys.length, data.matching ?? keys.length)],
  ];
}

function usage(key) {
  return key.isUsed ? stateBadge('used', t('backupUsed')) : stateBadge('available', t('backupAvailable'));
}

function table(keys, page) {
  const columns = [
    { label: t('columnId') }, { label: t('columnApiKey') }, { label: t('columnState') },
    { label: t('failoverColumn') }, { label: t('columnUsedFor') }, { label: t('columnUsedAt') },
    { label: t('columnDeletesAt') }, { label: t('columnActions'), className: 'actions' },
  ];
  const rows = keys.map((key) => h('tr', { dataset: { keyId: key.id } },
    h('td', { class: 'cell-id', text: key.id }),
    h('td', { class: 'mono', text: key.maskedApiKey }),
    h('td', {}, usage(key)),
    h('td', {}, toggle(key, page, 'table')),
    h('td', { class: 'cell-used-for', text: key.usedFor || '—' }),
    h('td', { class: 'nowrap', text: formatDate(key.usedAt) }),
    h('td', { class: 'nowrap', text: formatDate(key.deletesAt) }),
    h('td', { class: 'actions' }, actions(key, page, 'table'))));
  return dataTable(t('backupKeysTitle'), columns, rows);
}

function card(key, page) {
  return h('article', { class: 'card', dataset: { keyId: key.id }, 'aria-label': key.id },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', text: key.id }), usage(key)),
    cardRow(t('columnApiKey'), h('span', { class: 'mono', text: key.maskedApiKey })),
    h('div', { class: ['card-row', 'card-failover'] },
      h('span', { class: 'card-label', text: t('failover') }),
      h('span', { class: 'card-value' }, failoverIndicator(key.enableFailover), toggle(key, page, 'card'))),
    key.isUsed && cardRow(t('columnUsedFor'), key.usedFor || '—'),
    key.isUsed && cardRow(t('columnUsedAt'), formatDate(key.usedAt)),
    key.isUsed && cardRow(t('columnDeletesAt'), formatDate(key.deletesAt)),
    cardRow(t('columnCreated'), formatDate(key.createdAt)),
    h('div', { class: 'card-actions' }, actions(key, page, 'card')));
}

function toggle(key, page, where) {
  return failoverSwitch({
    checked: Boolean(key.enableFailover),
    label: t('failoverSwitchLabel', { id: key.id }),
    focusId: `${where}-failover-${key.id}`,
    compact: where === 'card',
    onToggle: async (next) => {
      try {
        await api.setBackupFailover(key.id, next);
        toast.success(t(next ? 'toastFailoverOn' : 'toastFailoverOff', { id: key.id }));
      } catch (error) {
        toast.error(t('toastFailoverError', { id: key.id, reason: describeError(error) }));
      }
      await page.reload();
    },
  });
}

function actions(key, page, where) {
  return [
    button(t('testKey'), {
      small: true, focusId: `${where}-test-${key.id}`, action: 'test', ariaLabel: t('testKeyLabel', { id: key.id }),
      onclick: () => openKeyTest({ title: t('testKeyTitle', { id: key.id }), test: () => api.testBackupKey(key.id) }),
    }),
    key.isUsed && button(t('restore'), {
      small: true, focusId: `${where}-restore-${key.id}`, action: 'restore',
      ariaLabel: t('restoreKeyLabel', { id: key.id }), onclick: () => restore(key, page),
    }),
    button(t('delete'), {
      small: true, variant: 'danger-ghost', focusId: `${where}-delete-${key.id}`, action: 'delete',
      ariaLabel: t('deleteKeyLabel', { id: key.id }), onclick: () => remove(key, page),
    }),
  ];
}

async function restore(key, page) {
  await confirmThenRun(page, {
    title: t('restoreKeyTitle', { id: key.id }), message: t('restoreKeyMessage'), confirmLabel: t('restore'), danger: false,
  }, () => api.restoreBackupKey(key.id), t('toastBackupRestored', { id: key.id }));
}

async function remove(key, page) {
  await confirmThenRun(page, {
    title: t('deleteBackupKeyTitle', { id: key.id }), message: t('deleteKeyMessage'), confirmLabel: t('delete'),
  }, () => api.deleteBackupKey(key.id), t('toastKeyDeleted', { id: key.id }));
}

function addModal(page) {
  const id = textField({ label: t('keyIdLabel'), name: 'id', required: true, maxlength: 50, hint: t('keyIdHint') });
  const apiKey = textField({ label: t('apiKeyLabel'), name: 'apiKey', required: true, mono: true });
  const failover = checkboxField({ label: t('enableFailoverLabel'), name: 'enableFailover', hint: t('backupFailoverHint') });
  const check = typedKeyTest({
    input: () => ({ apiKey: apiKey.input.value.trim(), enableFailover: failover.input.checked }),
    test: api.testApiKey,
  });
  const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary'], text: t('addBackupKey') });
  const modal = openModal({
    title: t('addBackupKeyTitle'),
    content: [id.field, apiKey.field, failover.field, check.box],
    actions: [button(t('cancel'), { onclick: () => modal.close() }), check.button, submit],
    onSubmit: (dialog) => whileBusy(submit, async () => {
      const body = { id: id.input.value.trim(), apiKey: apiKey.input.value.trim(), enableFailover: failover.input.checked };
      if (!body.id || !body.apiKey) {
        dialog.error(t('errorRequired'));
        return;
      }
      try {
        await api.addBackupKey(body);
        dialog.close();
        toast.success(t('toastBackupAdded', { id: body.id }));
        await page.reload();
      } catch (error) {
        dialog.error(describeError(error));
      }
    }),
  });
}

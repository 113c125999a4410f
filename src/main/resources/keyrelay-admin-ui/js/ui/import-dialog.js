// Bulk import of keys, one per line, for the key pool and the backup pool alike: the server reports what it added
// and why it skipped the rest.
import { h, uid, replaceChildren } from '../dom.js';
import { t, formatNumber } from '../i18n.js';
import { openModal, whileBusy } from './modal.js';
import { toast } from './toast.js';
import { button, checkboxField, describeError } from './widgets.js';

/** One key per line: the API key alone (the server derives an ID), or "id,apiKey" / "id apiKey". */
function parseLines(text) {
  return text.split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const parts = line.split(/[\s,;]+/).filter(Boolean);
      return parts.length === 1 ? parts[0] : { id: parts[0], apiKey: parts.slice(1).join('') };
    });
}

/** title: the dialog's title; send(entries, enableFailover): the import call; onImported(): after each import. */
export function openImportDialog({ title, send, onImported }) {
  const areaId = uid('import');
  const hintId = uid('import-hint');
  const area = h('textarea', {
    id: areaId, name: 'keys', rows: 8, class: ['input', 'mono'], spellcheck: 'false', 'aria-describedby': hintId, required: true,
  });
  const failover = checkboxField({ label: t('enableFailoverLabel'), name: 'enableFailover', hint: t('importFailoverHint') });
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: ['btn', 'btn-primary'], text: t('importAction') });
  const modal = openModal({
    title,
    wide: true,
    content: [
      h('div', { class: 'field' }, h('label', { for: areaId, text: t('importLabel') }), area,
        h('p', { id: hintId, class: 'field-hint', text: t('importHint') })),
      failover.field, result,
    ],
    actions: [button(t('close'), { onclick: () => modal.close() }), submit],
    onSubmit: (dialog) => whileBusy(submit, async () => {
      const keys = parseLines(area.value);
      if (keys.length === 0) {
        dialog.error(t('errorRequired'));
        return;
      }
      dialog.error('');
      try {
        const answer = await send(keys, failover.input.checked);
        showImportResult(result, answer);
        area.value = '';
        await onImported();
      } catch (error) {
        dialog.error(describeError(error));
      }
    }),
  });
}

/** answer: { added, skipped, skippedEntries: [{ entry, id, reason }] }; reasons are shown as the server wrote them. */
function showImportResult(box, answer) {
  const skipped = answer.skippedEntries || [];
  const summary = t('importResult', { added: formatNumber(answer.added), skipped: formatNumber(answer.skipped) });
  replaceChildren(box,
    h('p', { class: 'import-summary', text: summary }),
    skipped.length > 0 && h('ul', { class: 'import-skipped' },
      skipped.map((item) => h('li', {}, h('span', { class: 'mono', text: item.id || item.entry }), ' — ', item.reason))));
  toast.success(summary);
}

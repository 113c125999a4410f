// Search, status filter and paging of a key list, done by the server (?search=&status=&limit=&offset=), so a pool of
// thousands of keys puts one page of rows in the page. The controls are built once and kept across renders: the
// auto-refresh re-renders the list around them without touching what is being typed.
import { h, uid, onTypingPaused } from '../dom.js';
import { t, formatNumber, currentLanguage } from '../i18n.js';
import { button } from './widgets.js';

export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 250;

/**
 * statuses: [{ value, labelKey }] for the status filter; onChange() runs when the search or the filter changed, or
 * another page was asked for. Returns { params(), filtered(), controls(), pager(shown, matching), lastPage(matching) }.
 */
export function createListQuery({ statuses, onChange }) {
  const state = { search: '', status: '', offset: 0 };
  const searchId = uid('list-search');
  const statusId = uid('list-status');
  const searchLabel = h('label', { for: searchId, class: 'visually-hidden' });
  const search = h('input', {
    id: searchId, type: 'search', name: 'search', class: ['input', 'list-search'], autocomplete: 'off',
    spellcheck: 'false', maxlength: 100, dataset: { focus: 'list-search' },
  });
  const statusLabel = h('label', { for: statusId, class: 'visually-hidden' });
  const status = h('select', { id: statusId, name: 'status', class: ['input', 'list-status'], dataset: { focus: 'list-status' } });
  // a form, so that Enter in the search box searches at once
  const element = h('form', { class: 'list-toolbar', role: 'search', novalidate: true }, searchLabel, search, statusLabel, status);

  let translatedFor = null;
  onTypingPaused(element, search, SEARCH_DELAY_MS, (text) => change({ search: text }));
  status.addEventListener('change', () => change({ status: status.value }));

  function change(next) {
    if ((next.search ?? state.search) === state.search && (next.status ?? state.status) === state.status) return;
    Object.assign(state, next, { offset: 0 });
    onChange();
  }

  function goTo(offset) {
    state.offset = Math.max(0, offset);
    onChange();
  }

  return {
    /** The query for the API: one page from the current offset. */
    params: () => ({ search: state.search, status: state.status, limit: PAGE_SIZE, offset: state.offset }),
    filtered: () => Boolean(state.search || state.status),
    /** The toolbar, the same element every time, its texts in the current language. */
    controls() {
      if (translatedFor !== currentLanguage()) {
        translatedFor = currentLanguage();
        searchLabel.textContent = t('searchKeysLabel');
        search.setAttribute('placeholder', t('searchKeysPlaceholder'));
        statusLabel.textContent = t('statusFilterLabel');
        status.replaceChildren(h('option', { value: '', text: t('allStatuses') }),
          ...statuses.map((s) => h('option', { value: s.value, text: t(s.labelKey) })));
        status.value = state.status;
      }
      return element;
    },
    /** "1–50 of 2,000" and the previous/next buttons, for a page of shown keys out of matching. */
    pager(shown, matching) {
      const first = matching === 0 ? 0 : state.offset + 1;
      const last = state.offset + shown;
      const previous = button(t('previousPage'), {
        small: true, focusId: 'previous-page', action: 'previous-page', onclick: () => goTo(state.offset - PAGE_SIZE),
      });
      const next = button(t('nextPage'), {
        small: true, focusId: 'next-page', action: 'next-page', onclick: () => goTo(state.offset + PAGE_SIZE),
      });
      previous.disabled = state.offset === 0;
      next.disabled = last >= matching;
      return h('nav', { class: 'pager', 'aria-label': t('pagerLabel') },
        h('span', { class: 'pager-range', text: t('pageRange', { first: formatNumber(first), last: formatNumber(last), total: formatNumber(matching) }) }),
        !(previous.disabled && next.disabled) && h('div', { class: 'pager-buttons' }, previous, next));
    },
    /**
     * After keys were deleted (here or elsewhere) the page may be past the end: moves to the last page that has keys
     * and says true then, so the caller loads again.
     */
    lastPage(matching) {
      if (state.offset === 0 || state.offset < matching) return false;
      state.offset = Math.max(0, Math.floor((matching - 1) / PAGE_SIZE) * PAGE_SIZE);
      return true;
    },
  };
}

// The request log (SPEC §5a): every request a client key sent, newest first, filterable, with each upstream
// attempt (key, endpoint, status, time) one click away.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatDate, formatNumber } from '../i18n.js';
import { stateBadge, pageHeader, button, dataTable, emptyState, cardRow } from '../ui/widgets.js';
import { createPage } from './page.js';

export const titleKey = 'requestsTitle';

const PAGE_SIZE = 50;
const RANGES = { hour: 3600e3, day: 86400e3, week: 7 * 86400e3, all: 0 };
const RANGE_LABELS = { hour: 'rangeLastHour', day: 'rangeLastDay', week: 'rangeLastWeek', all: 'rangeAll' };
const ENTER = 'Enter';
const STATUSES = ['', '2xx', '4xx', '429', '5xx', '499'];

export function create() {
  const filters = { clientKeyId: '', keyId: '', status: '', model: '', range: 'day' };
  const cursors = [null]; // the cursor of each page seen, so "newer" can go back
  let index = 0;
  const expanded = new Set();
  const page = createPage({
    load: async () => {
      const span = RANGES[filters.range];
      const [log, clients] = await Promise.all([
        api.requests({
          clientKeyId: filters.clientKeyId,
          keyId: filters.keyId.trim(),
          status: filters.status,
          model: filters.model.trim(),
          from: span ? new Date(Date.now() - span).toISOString() : '',
          cursor: cursors[index],
          limit: PAGE_SIZE,
        }),
        api.clientKeys(),
      ]);
      return {
        requests: log.requests || [],
        nextCursor: log.nextCursor,
        index,
        clients: (clients.keys || []).map((c) => ({ id: c.id, name: c.name })),
      };
    },
    view: (data) => view(data, { page, filters, expanded, refilter, goTo }),
  });

  function refilter(name, value) {
    if (filters[name] === value) return;
    filters[name] = value;
    cursors.length = 1;
    index = 0;
    expanded.clear();
    page.reload({ force: true });
  }

  function goTo(next, nextCursor) {
    if (next > index) cursors[next] = nextCursor;
    index = Math.max(0, next);
    page.reload({ force: true });
  }
  return page;
}

function statusBadge(status) {
  const tone = status >= 200 && status < 400 ? 'available'
    : status === 429 ? 'rate_limited' : status >= 500 ? 'exhausted' : 'error';
  return h('span', { class: 'request-status', dataset: { status: String(status) } }, stateBadge(tone, String(status)));
}

function clientName(clients, id) {
  const client = clients.find((c) => c.id === id);
  return client ? client.name : id;
}

function attemptChain(request) {
  if (request.attempts.length === 0) return h('span', { class: 'muted', text: t('requestNoAttempt') });
  return h('span', { class: 'attempt-chain' }, request.attempts.map((a, i) => [
    i > 0 && h('span', { class: 'arrow', 'aria-hidden': 'true', text: '→' }),
    h('span', { class: ['attempt', a.status >= 200 && a.status < 300 ? 'is-ok' : 'is-failed'] },
      h('span', { class: 'mono', text: a.keyId }),
      a.endpoint === 'failover' && h('span', { class: 'attempt-failover', text: t('failoverMark') }),
      ` ${a.status || t('requestNoAnswer')}`),
  ]));
}

function tokens(request) {
  return `${formatNumber(request.inputTokens)} / ${formatNumber(request.outputTokens)}`;
}

function ms(value) {
  return t('milliseconds', { ms: formatNumber(value) });
}

function details(request) {
  const rows = request.attempts.map((a, i) => h('tr', {},
    h('td', { class: 'num', text: String(i + 1) }),
    h('td', { class: 'mono', text: a.keyId }),
    h('td', { text: t(a.endpoint === 'failover' ? 'endpointFailover' : 'endpointPrimary') }),
    h('td', { class: 'num', text: a.status || t('requestNoAnswer') }),
    h('td', { class: 'num', text: ms(a.ms) })));
  return h('div', { class: 'request-details', dataset: { detailsOf: request.id } },
    rows.length > 0 && h('table', { class: ['table', 'table-inner'] },
      h('caption', { class: 'visually-hidden', text: t('requestAttempts') }),
      h('thead', {}, h('tr', {}, [t('columnAttempt'), t('columnKey'), t('columnEndpoint'), t('columnUpstreamStatus'), t('columnTime')]
        .map((label) => h('th', { scope: 'col', text: label })))),
      h('tbody', {}, rows)),
    h('dl', { class: 'request-facts' },
      fact(t('requestStream'), t(request.stream ? 'yes' : 'no')),
      fact(t('requestCacheTokens'), `${formatNumber(request.cacheReadTokens)} / ${formatNumber(request.cacheWriteTokens)}`),
      fact(t('requestFirstByte'), ms(request.firstByteMs)),
      fact(t('columnInstance'), request.instance || '—'),
      fact(t('requestId'), request.id)));
}

function fact(label, value) {
  return h('div', {}, h('dt', { text: label }), h('dd', { text: value }));
}

function toggle(request, expanded, page) {
  const open = expanded.has(request.id);
  return h('button', {
    type: 'button',
    class: ['btn', 'btn-secondary', 'btn-small', 'expand'],
    'aria-expanded': String(open),
    dataset: { focus: `expand-${request.id}`, action: 'expand' },
    onclick: () => {
      if (open) expanded.delete(request.id); else expanded.add(request.id);
      page.render();
    },
  }, t(open ? 'hideAttempts' : 'showAttempts'));
}

function filterBar({ filters, refilter }, clients) {
  const select = (name, label, options) => h('label', { class: 'filter' }, h('span', { text: label }),
    h('select', { class: 'input', dataset: { filter: name, focus: `filter-${name}` }, onchange: (e) => refilter(name, e.target.value) },
      options.map(([value, text]) => h('option', { value, text, selected: filters[name] === value }))));
  const text = (name, label) => h('label', { class: 'filter' }, h('span', { text: label }),
    h('input', { class: 'input', type: 'search', value: filters[name], spellcheck: 'false', autocomplete: 'off',
      dataset: { filter: name, focus: `filter-${name}` },
      onchange: (e) => refilter(name, e.target.value),
      onkeydown: (e) => { if (e.key === ENTER) refilter(name, e.target.value); } }));
  return h('form', { class: 'filters', role: 'search', 'aria-label': t('requestFilters'), onsubmit: (e) => e.preventDefault() },
    select('range', t('filterRange'), Object.keys(RANGES).map((r) => [r, t(RANGE_LABELS[r])])),
    select('clientKeyId', t('filterClientKey'), [['', t('filterAny')], ...clients.map((c) => [c.id, c.name])]),
    text('keyId', t('filterKey')),
    select('status', t('filterStatus'), STATUSES.map((s) => [s, s || t('filterAny')])),
    text('model', t('filterModel')));
}

function view({ requests, nextCursor, index, clients }, ctx) {
  const { page, expanded, goTo } = ctx;
  const pager = h('div', { class: 'pager' },
    h('span', { class: 'pager-range', text: t('requestPage', { page: formatNumber(index + 1) }) }),
    h('div', { class: 'pager-buttons' },
      button(t('newer'), { small: true, onclick: () => goTo(index - 1), focusId: 'newer', action: 'newer' }),
      button(t('older'), { small: true, onclick: () => goTo(index + 1, nextCursor), focusId: 'older', action: 'older' })));
  pager.querySelector('[data-action="newer"]').disabled = index === 0;
  pager.querySelector('[data-action="older"]').disabled = !nextCursor;
  const columns = [
    { label: t('columnTime') }, { label: t('columnRoute') }, { label: t('columnClientKey') }, { label: t('columnStatus') },
    { label: t('columnAttempts') }, { label: t('columnDuration'), className: 'num' },
    { label: t('columnTokensInOut'), className: 'num' }, { label: t('columnActions'), className: 'actions' },
  ];
  const rows = requests.flatMap((r) => [
    h('tr', { dataset: { requestId: r.id } },
      h('td', { class: 'nowrap', text: formatDate(r.at) }),
      h('td', {}, h('span', { class: 'mono', text: r.route }), r.model && h('span', { class: ['muted', 'request-model'], text: r.model })),
      h('td', { text: clientName(clients, r.clientKeyId) }),
      h('td', {}, statusBadge(r.status)),
      h('td', {}, attemptChain(r)),
      h('td', { class: ['num', 'nowrap'], text: ms(r.totalMs) }),
      h('td', { class: ['num', 'nowrap'], text: tokens(r) }),
      h('td', { class: 'actions' }, toggle(r, expanded, page))),
    expanded.has(r.id) && h('tr', { class: 'details-row' }, h('td', { colspan: String(columns.length) }, details(r))),
  ]);
  const cards = h('div', { class: ['cards', 'mobile-only'] }, requests.map((r) => h('article', { class: 'card', dataset: { requestId: r.id } },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title', text: r.model || r.route }), statusBadge(r.status)),
    cardRow(t('columnTime'), formatDate(r.at)),
    cardRow(t('columnRoute'), r.route),
    cardRow(t('columnClientKey'), clientName(clients, r.clientKeyId)),
    cardRow(t('columnAttempts'), attemptChain(r)),
    cardRow(t('columnDuration'), ms(r.totalMs)),
    cardRow(t('columnTokensInOut'), tokens(r)),
    h('div', { class: 'card-actions' }, toggle(r, expanded, page)),
    expanded.has(r.id) && details(r))));
  return [
    pageHeader(t('requestsTitle'), t('requestsSubtitle'), [], page.status),
    filterBar(ctx, clients),
    requests.length === 0 ? emptyState(t('noRequests')) : [dataTable(t('requestsTitle'), columns, rows), cards, pager],
  ];
}

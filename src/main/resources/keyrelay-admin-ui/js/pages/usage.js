// Usage over time (SPEC §5a): tokens, requests or errors per hour or day, by pool key, client key or model, drawn
// with uPlot (served from the jar) above a table of the same totals.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t, formatNumber, currentLanguage } from '../i18n.js';
import { pageHeader, emptyState } from '../ui/widgets.js';
import { createPage } from './page.js';

export const titleKey = 'usageTitle';

const UPLOT = '../../vendor/uplot/dist/uPlot.esm.js';
const RANGES = {
  day: { bucket: 'hour', span: 86400e3, label: 'rangeLastDay' },
  week: { bucket: 'hour', span: 7 * 86400e3, label: 'rangeLastWeek' },
  month: { bucket: 'day', span: 30 * 86400e3, label: 'rangeLastMonth' },
  quarter: { bucket: 'day', span: 90 * 86400e3, label: 'rangeLastQuarter' },
};
const DIMENSIONS = { key: 'usageByKey', clientKey: 'usageByClientKey', model: 'usageByModel' };
const METRICS = {
  tokens: { label: 'metricTokens', of: (p) => p.inputTokens + p.outputTokens + p.cacheReadTokens + p.cacheWriteTokens },
  requests: { label: 'metricRequests', of: (p) => p.requests },
  errors: { label: 'metricErrors', of: (p) => p.errors },
};
const COLORS = ['#4f46e5', '#0891b2', '#16a34a', '#ca8a04', '#ea580c', '#db2777', '#7c3aed', '#0d9488', '#65a30d',
  '#dc2626', '#64748b'];
const CHART_HEIGHT = 300;

let chart = null; // the chart on screen; one page shows one
let resizeObserver = null;

export function create() {
  const choice = { by: 'key', range: 'day', metric: 'tokens' };
  const page = createPage({
    load: async () => {
      const range = RANGES[choice.range];
      const [usage, clients] = await Promise.all([
        api.usage({ by: choice.by, bucket: range.bucket, from: new Date(Date.now() - range.span).toISOString() }),
        choice.by === 'clientKey' ? api.clientKeys() : Promise.resolve({ keys: [] }),
      ]);
      const names = new Map((clients.keys || []).map((c) => [c.id, c.name]));
      return {
        ...choice,
        bucket: usage.bucket,
        series: (usage.series || []).map((s) => ({ ...s, label: names.get(s.name) || s.name })),
      };
    },
    view: (data) => view(data, page, (name, value) => {
      choice[name] = value;
      page.reload({ force: true });
    }),
  });
  return page;
}

function control(name, label, options, value, choose) {
  return h('label', { class: 'filter' }, h('span', { text: label }),
    h('select', { class: 'input', dataset: { control: name, focus: `usage-${name}` }, onchange: (e) => choose(name, e.target.value) },
      Object.entries(options).map(([key, text]) => h('option', { value: key, text: t(text), selected: key === value }))));
}

function view(data, page, choose) {
  const controls = h('form', { class: 'filters', 'aria-label': t('usageControls'), onsubmit: (e) => e.preventDefault() },
    control('by', t('usageBy'), DIMENSIONS, data.by, choose),
    control('range', t('filterRange'), Object.fromEntries(Object.entries(RANGES).map(([k, r]) => [k, r.label])), data.range, choose),
    control('metric', t('usageMetric'), Object.fromEntries(Object.entries(METRICS).map(([k, m]) => [k, m.label])), data.metric, choose));
  const header = pageHeader(t('usageTitle'), t('usageSubtitle'), [], page.status);
  if (chart) {
    chart.destroy();
    chart = null;
  }
  if (data.series.length === 0) return [header, controls, emptyState(t('noUsage'))];
  const plot = h('figure', { class: 'chart', 'aria-label': t('usageChartLabel', { metric: t(METRICS[data.metric].label) }) });
  draw(plot, data);
  return [header, controls, plot, totals(data)];
}

async function draw(plot, data) {
  const { default: uPlot } = await import(UPLOT);
  if (!plot.isConnected) return; // the page moved on while the library loaded
  const metric = METRICS[data.metric];
  const xs = data.series[0].points.map((p) => Date.parse(p.at) / 1000);
  const when = new Intl.DateTimeFormat(currentLanguage(), data.bucket === 'hour'
    ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { year: 'numeric', month: 'short', day: 'numeric' });
  const tick = new Intl.DateTimeFormat(currentLanguage(), data.bucket === 'hour'
    ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' });
  const options = {
    width: Math.max(280, plot.clientWidth),
    height: CHART_HEIGHT,
    padding: [12, 32, 0, 0], // room for the last time label
    series: [
      { label: t('columnTime'), value: (u, v) => (v === null ? '—' : when.format(new Date(v * 1000))) },
      ...data.series.map((s, i) => ({
        label: s.label,
        stroke: COLORS[i % COLORS.length],
        width: 2,
        value: (u, v) => (v === null ? '—' : formatNumber(v)),
      })),
    ],
    axes: [
      { values: (u, splits) => splits.map((v) => tick.format(new Date(v * 1000))), space: 90 },
      { values: (u, splits) => splits.map((v) => formatNumber(v)), size: 70 },
    ],
    scales: { x: { time: true } },
  };
  chart = new uPlot(options, [xs, ...data.series.map((s) => s.points.map(metric.of))], plot);
  if (resizeObserver) resizeObserver.disconnect();
  resizeObserver = new ResizeObserver(() => {
    if (chart && plot.isConnected) chart.setSize({ width: Math.max(280, plot.clientWidth), height: CHART_HEIGHT });
  });
  resizeObserver.observe(plot);
}

function totals(data) {
  const columns = ['columnName', 'metricRequests', 'metricErrors', 'columnInputTokens', 'columnOutputTokens',
    'columnCacheReadTokens', 'columnCacheWriteTokens'];
  return h('div', { class: 'table-wrap' }, h('table', { class: ['table', 'usage-totals'] },
    h('caption', { class: 'visually-hidden', text: t('usageTotals') }),
    h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i > 0 && 'num', text: t(c) })))),
    h('tbody', {}, data.series.map((s, i) => h('tr', { dataset: { series: s.name } },
      h('td', { class: 'cell-id' }, h('span', { class: ['swatch', `swatch-${i % COLORS.length}`], 'aria-hidden': 'true' }), s.label),
      [s.total.requests, s.total.errors, s.total.inputTokens, s.total.outputTokens, s.total.cacheReadTokens, s.total.cacheWriteTokens]
        .map((n) => h('td', { class: 'num', text: formatNumber(n) })))))));
}

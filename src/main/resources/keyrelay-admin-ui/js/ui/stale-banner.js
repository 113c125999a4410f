// The database-outage banner: shown while admin reads answer from KeyRelay's memory (marked stale by the
// X-KeyRelay-Stale header, docs/admin-api.md), gone at the first read the database answers again.
import { h, replaceChildren } from '../dom.js';
import { t, formatDate } from '../i18n.js';

// null: the last database read was fresh; otherwise { asOf } (asOf: when the answer shown was read, if known)
let stale = null;

/** Called after every read that goes to the database: stale or fresh. */
export function setStale(isStale, asOf) {
  const next = isStale ? { asOf: asOf || null } : null;
  if (JSON.stringify(next) === JSON.stringify(stale)) return;
  stale = next;
  renderStale();
}

/** Removes the banner, e.g. when signed out. */
export function clearStale() {
  setStale(false);
}

/** Draws the banner in the current language. */
export function renderStale() {
  const region = document.getElementById('stale');
  if (!stale) {
    replaceChildren(region);
    return;
  }
  replaceChildren(region, h('section', { class: 'stale-banner', 'aria-labelledby': 'stale-banner-title' },
    h('div', { class: 'alert-banner-inner' },
      h('span', { class: 'alert-banner-icon', 'aria-hidden': 'true' }),
      h('div', { class: 'alert-banner-body' },
        h('p', { id: 'stale-banner-title', class: 'alert-banner-title', text: t('staleBannerTitle') }),
        h('p', { class: 'stale-banner-text', text: t('staleBannerBody') }),
        stale.asOf && h('p', { class: 'alert-since', text: t('staleAsOf', { time: formatDate(stale.asOf) }) })))));
}

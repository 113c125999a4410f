// What every list page shares: load, render only when the data changed, and say when it was last refreshed.
import { h, replaceChildren } from '../dom.js';
import { t, formatTime } from '../i18n.js';
import { describeError } from '../ui/widgets.js';
import { confirmAction } from '../ui/modal.js';
import { toast } from '../ui/toast.js';

/**
 * load(): fetches the page's data; view(data, page): builds its nodes (page.status is the refresh line,
 * page.reload() fetches again and re-renders).
 */
export function createPage({ load, view }) {
  const element = h('div', { class: 'page' });
  const status = h('p', { class: 'page-status' });
  let data = null;
  let snapshot = null;
  let updatedAt = null;
  let failure = null;
  let generation = 0;

  const page = {
    element,
    status,
    /**
     * Fetches; re-renders only if something changed, so focus and scroll stay put during auto-refresh.
     * Resolves true when the data arrived.
     */
    async reload({ force = false } = {}) {
      generation += 1;
      const mine = generation;
      try {
        const next = await load();
        // a later reload (another search or page, say) answers instead of this one
        if (mine !== generation) return true;
        const json = JSON.stringify(next);
        failure = null;
        updatedAt = new Date();
        if (force || json !== snapshot) {
          data = next;
          snapshot = json;
          page.render();
        } else {
          showStatus();
        }
        return true;
      } catch (error) {
        if (error && error.status === 401) return false;
        if (mine !== generation) return false;
        failure = error;
        if (data === null) {
          replaceChildren(element, h('div', { class: 'empty', role: 'alert' },
            h('p', { text: t('loadFailed', { reason: describeError(error) }) })));
        }
        showStatus();
        return false;
      }
    },
    render() {
      if (data === null) {
        replaceChildren(element, h('p', { class: 'loading', text: t('loading') }));
        return;
      }
      replaceChildren(element, view(data, page));
      showStatus();
    },
  };

  function showStatus() {
    status.classList.toggle('is-failed', failure !== null);
    status.textContent = failure
      ? t('refreshFailed', { reason: describeError(failure) })
      : (updatedAt ? t('lastUpdated', { time: formatTime(updatedAt) }) : '');
  }

  page.render();
  return page;
}

/**
 * Asks first (confirm: confirmAction's options), then runs work(); a success or error toast follows and the page
 * reloads either way. Resolves without doing anything when the operator cancels.
 */
export async function confirmThenRun(page, confirm, work, successMessage) {
  if (!(await confirmAction(confirm))) return;
  try {
    await work();
    toast.success(successMessage);
  } catch (error) {
    toast.error(t('toastActionError', { reason: describeError(error) }));
  }
  await page.reload();
}

// Starts the admin UI: translations, the hash router, the navigation bar, the alert and database-outage banners and
// the auto-refresh timer.
import { api, onUnauthorized, onStaleRead } from './api.js';
import {
  loadTranslations, t, translateTree, setLanguage, currentLanguage, onLanguageChange, LANGUAGES, languageName,
} from './i18n.js';
import { h } from './dom.js';
import { isModalOpen } from './ui/modal.js';
import { refreshAlerts, clearAlerts, renderAlerts } from './ui/alert-banner.js';
import { setStale, clearStale, renderStale } from './ui/stale-banner.js';
import { toast } from './ui/toast.js';
import { describeError } from './ui/widgets.js';
import * as keysPage from './pages/keys.js';
import * as backupKeysPage from './pages/backup-keys.js';
import * as clientKeysPage from './pages/client-keys.js';
import * as eventsPage from './pages/events.js';
import * as requestsPage from './pages/requests.js';
import * as usagePage from './pages/usage.js';
import * as signInPage from './pages/sign-in.js';

const REFRESH_MS = 5000;
const DEFAULT_PAGE = 'keys';
const SIGN_IN = 'sign-in';
const PAGES = {
  keys: keysPage,
  'backup-keys': backupKeysPage,
  'client-keys': clientKeysPage,
  events: eventsPage,
  requests: requestsPage,
  usage: usagePage,
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('sign-out');
let current = null;
let returnTo = DEFAULT_PAGE;
let sessionSeen = false;
let sessionExpired = false;

function routeName() {
  const name = location.hash.replace(/^#\/?/, '');
  return name === SIGN_IN || PAGES[name] ? name : DEFAULT_PAGE;
}

function route() {
  const name = routeName();
  if (name === SIGN_IN) {
    showSignIn();
    return;
  }
  const module = PAGES[name];
  const page = module.create();
  mount(name, module, page);
  setSignedInChrome(true);
  nav.querySelectorAll('a').forEach((link) => {
    if (link.dataset.page === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  });
  page.reload().then((loaded) => { if (loaded) sessionSeen = true; });
  refreshAlerts();
}

function mount(name, module, page) {
  current = { name, module, page };
  main.replaceChildren(page.element);
  main.dataset.page = name;
  updateTitle();
}

function showSignIn() {
  const expired = sessionExpired;
  sessionExpired = false;
  setSignedInChrome(false);
  clearAlerts();
  clearStale();
  const page = signInPage.create({
    expired,
    onSignedIn: () => {
      sessionSeen = true;
      location.hash = `#/${returnTo}`;
    },
  });
  mount(SIGN_IN, signInPage, page);
}

function setSignedInChrome(signedIn) {
  nav.hidden = !signedIn;
  signOutButton.hidden = !signedIn;
}

function updateTitle() {
  const pageTitle = current ? t(current.module.titleKey) : '';
  document.title = t('documentTitle', { page: pageTitle });
}

function buildLanguageSwitch() {
  const select = document.getElementById('language');
  select.replaceChildren(...LANGUAGES.map((code) => h('option', { value: code, lang: code, text: languageName(code) })));
  select.value = currentLanguage();
  select.addEventListener('change', () => setLanguage(select.value));
}

async function signOut() {
  try {
    await api.signOut();
  } catch (error) {
    toast.error(t('toastActionError', { reason: describeError(error) }));
    return;
  }
  sessionSeen = false;
  returnTo = DEFAULT_PAGE;
  location.hash = `#/${SIGN_IN}`;
}

function tick() {
  if (document.visibilityState !== 'visible' || !current || current.name === SIGN_IN) return;
  // a dialog may be about to change what is on screen; refresh once it closes
  if (isModalOpen()) return;
  current.page.reload();
  refreshAlerts();
}

async function start() {
  await loadTranslations();
  buildLanguageSwitch();
  translateTree(document);
  onLanguageChange(() => {
    translateTree(document);
    updateTitle();
    renderAlerts();
    renderStale();
    if (current) current.page.render();
  });
  onUnauthorized(() => {
    sessionExpired = sessionSeen;
    sessionSeen = false;
    if (current && current.name !== SIGN_IN) returnTo = current.name;
    if (routeName() === SIGN_IN) showSignIn();
    else location.hash = `#/${SIGN_IN}`;
  });
  onStaleRead(setStale);
  signOutButton.addEventListener('click', signOut);
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', tick);
  setInterval(tick, REFRESH_MS);
  route();
}

start();

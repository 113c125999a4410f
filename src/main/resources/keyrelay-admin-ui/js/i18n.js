// Translations and locale-aware formatting. Every visible string comes from i18n/<language>.json.

export const LANGUAGES = ['en', 'vi'];
const LOCALES = { en: 'en-US', vi: 'vi-VN' };
const STORAGE_KEY = 'keyrelay.language';
const EMPTY = '—';

const dictionaries = {};
const listeners = new Set();
let language = 'en';
let numberFormat;
let dateFormat;
let timeFormat;

export async function loadTranslations() {
  await Promise.all(LANGUAGES.map(async (code) => {
    const response = await fetch(`i18n/${code}.json`, { cache: 'no-cache' });
    dictionaries[code] = await response.json();
  }));
  use(initialLanguage());
}

function initialLanguage() {
  const saved = readSaved();
  if (LANGUAGES.includes(saved)) return saved;
  const browser = (navigator.language || '').toLowerCase();
  return browser.startsWith('vi') ? 'vi' : 'en';
}

function readSaved() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch (e) {
    return null;
  }
}

function use(code) {
  language = code;
  const locale = LOCALES[code];
  numberFormat = new Intl.NumberFormat(locale);
  dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
  document.documentElement.lang = code;
}

export function currentLanguage() {
  return language;
}

/** Switches language, remembers it, and re-renders whatever listens. */
export function setLanguage(code) {
  if (!LANGUAGES.includes(code) || code === language) return;
  use(code);
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch (e) {
    // private mode: the choice lasts for this page only
  }
  listeners.forEach((listener) => listener(code));
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

/** The name of a language in that language, for the switch. */
export function languageName(code) {
  return dictionaries[code]?.languageName ?? code;
}

/** t('keyAdded', { id: 'k1' }) fills {id} in the current language's text. */
export function t(key, params) {
  const text = dictionaries[language]?.[key] ?? dictionaries.en?.[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function formatNumber(value) {
  return value === null || value === undefined ? EMPTY : numberFormat.format(value);
}

export function formatDate(value) {
  if (!value) return EMPTY;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? EMPTY : dateFormat.format(date);
}

export function formatTime(value) {
  return timeFormat.format(value instanceof Date ? value : new Date(value));
}

/** Fills elements marked data-i18n (text), data-i18n-aria-label, data-i18n-placeholder and data-i18n-title. */
export function translateTree(root) {
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-aria-label]').forEach((el) => el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel)));
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder)));
  root.querySelectorAll('[data-i18n-title]').forEach((el) => el.setAttribute('title', t(el.dataset.i18nTitle)));
}

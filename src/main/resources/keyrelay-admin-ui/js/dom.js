// Builds DOM nodes. Text always goes in as text nodes, so server data can never become markup.

/**
 * h('button', { class: ['btn', 'btn-primary'], onclick: fn, 'aria-label': label }, child, ...)
 * Attribute values of null, undefined or false are left out; true sets an empty attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') {
      el.className = [].concat(value).filter(Boolean).join(' ');
    } else if (name === 'text') {
      el.textContent = String(value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value') {
      el.value = value;
    } else if (name === 'checked') {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  parent.append(...nodes(children));
  return parent;
}

/** children (nodes, strings, nested arrays; null, undefined and false skipped) as a flat list of nodes. */
function nodes(children, into = []) {
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) nodes(child, into);
    else into.push(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return into;
}

/**
 * Replaces the children of parent. A node that is among both the old and the new children stays where it is, never
 * detached, so a search box kept across renders keeps its focus, caret and typing; focus inside a node that was
 * replaced moves to the new element with the same data-focus id.
 */
export function replaceChildren(parent, ...children) {
  const active = document.activeElement;
  const focusId = active && parent.contains(active) ? active.dataset.focus : undefined;
  const next = nodes(children);
  const staying = new Set(next);
  [...parent.childNodes].forEach((node) => { if (!staying.has(node)) node.remove(); });
  let cursor = parent.firstChild;
  for (const node of next) {
    if (node === cursor) cursor = cursor.nextSibling;
    else parent.insertBefore(node, cursor);
  }
  if (focusId && document.activeElement !== active) {
    const again = [...parent.querySelectorAll('[data-focus]')].find((el) => el.dataset.focus === focusId && isVisible(el));
    if (again) again.focus({ preventScroll: true });
  }
}

export function isVisible(el) {
  return Boolean(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
}

let idCounter = 0;
/** A document-unique id for label/for and aria-describedby pairs. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Calls apply(text), the input's trimmed text, once typing in it pauses for delayMs, or at once when its form is
 * submitted (Enter): for filters that ask the server as the operator types.
 */
export function onTypingPaused(form, input, delayMs, apply) {
  let typing = null;
  const now = () => {
    clearTimeout(typing);
    apply(input.value.trim());
  };
  input.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(now, delayMs);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    now();
  });
}

/**
 * Building the page. Everything is made with createElement and textContent, never with HTML
 * strings: the CSP also requires Trusted Types, so an innerHTML assignment would throw.
 */
import { describeError } from './errors.js';

type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** h('button', { type: 'button', onclick: … }, 'Save') */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      el.className = String(value);
    } else if (name === 'value' && 'value' in el) {
      (el as HTMLInputElement).value = String(value);
    } else if (name === 'checked' && el instanceof HTMLInputElement) {
      el.checked = Boolean(value);
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let ids = 0;
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** An error in words, with the request id for support. */
export function errorBox(error: unknown, extra?: Child): HTMLElement {
  const text = describeError(error);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', { class: 'error-title' }, text.title),
    text.details.length > 0 && h('ul', { class: 'error-details' }, text.details.map((d) => h('li', {}, d))),
    text.requestId && h('p', { class: 'request-id' }, 'Request id: ', h('code', {}, text.requestId)),
    extra,
  );
}

/** A labelled form control with a place for its error message. */
export interface Field {
  wrapper: HTMLElement;
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  setError(messages: string[]): void;
}

export function field(label: string, control: Field['control'], hint?: string): Field {
  const id = control.id || uid('f');
  control.id = id;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const describedBy = [hint ? hintId : null].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  const wrapper = h(
    'div',
    { class: `field field-${control.type === 'checkbox' ? 'check' : 'text'}` },
    control.type === 'checkbox' ? [control, h('label', { for: id }, label)] : [h('label', { for: id }, label), control],
    hint && h('p', { class: 'hint', id: hintId }, hint),
    error,
  );
  return {
    wrapper,
    control,
    setError(messages) {
      error.hidden = messages.length === 0;
      error.textContent = messages.join(' ');
      if (messages.length > 0) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', [describedBy, errorId].filter(Boolean).join(' '));
      } else {
        control.removeAttribute('aria-invalid');
        if (describedBy) control.setAttribute('aria-describedby', describedBy);
        else control.removeAttribute('aria-describedby');
      }
    },
  };
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h('input', { type: 'text', ...attrs });
}

export function select(options: [value: string, label: string][], attrs: Attrs = {}): HTMLSelectElement {
  const el = h('select', attrs, options.map(([value, label]) => h('option', { value }, label)));
  if (attrs.value !== undefined) el.value = String(attrs.value);
  return el;
}

/** A modal confirmation (native <dialog>: focus is trapped, Escape cancels). Resolves true when confirmed. */
export function confirmDialog(options: { title: string; message: string; confirm: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('dialog-title');
    const cancel = h('button', { type: 'button', class: 'button' }, 'Cancel');
    const ok = h('button', { type: 'button', class: options.danger ? 'button danger' : 'button primary' }, options.confirm);
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h('h2', { id: titleId }, options.title),
      h('p', {}, options.message),
      h('div', { class: 'actions' }, cancel, ok),
    );
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

let flashed = '';

/** A message for the next page, shown once it is drawn (e.g. "Created …" after the form closes). */
export function flash(message: string): void {
  flashed = message;
}

export function takeFlash(): string {
  const message = flashed;
  flashed = '';
  return message;
}

/** Announces a short message on this page (a live region) until the next one or the next page. */
export function notify(message: string): void {
  const region = document.getElementById('notice');
  if (!region) return;
  region.textContent = message;
  region.hidden = message === '';
}

/** Moves focus to a page's heading after navigation, so keyboard and screen reader users start there. */
export function focusHeading(root: ParentNode): void {
  const heading = root.querySelector<HTMLElement>('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: false });
  }
}

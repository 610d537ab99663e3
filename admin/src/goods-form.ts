/**
 * Create and edit a product. The server validates; its messages are shown at their fields.
 * An edit sends the `version` it started from, and a 409 VERSION_CONFLICT shows what the other
 * person changed. A create sends an Idempotency-Key bound to the body, so a repeated submit
 * (a double click, a retry after a lost answer) creates one product.
 */
import { ApiError } from './api.js';
import { changedFields, GoodsField, GoodsValues } from './diff.js';
import { confirmDialog, errorBox, Field, field, flash, h, input, notify, replace } from './dom.js';
import { describeError, fieldErrors } from './errors.js';
import { formatTime, formatValue } from './format.js';
import type { PageContext } from './main.js';
import type { Goods, Media } from './types.js';

const LABELS: Record<GoodsField, string> = {
  name: 'Name',
  price: 'Price',
  stock: 'Stock',
  category: 'Category',
  onSale: 'On sale',
  description: 'Description',
  imageUrl: 'Cover image',
  images: 'Gallery',
};
const MAX_GALLERY = 9;
const IMAGE_TYPES = 'image/jpeg,image/png,image/webp,image/gif';

/** Numbers when they look like numbers; anything else goes as typed, so the server's message names the field. */
function numeric(text: string, integer: boolean): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (integer ? /^-?\d+$/.test(t) : /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

export async function goodsFormPage(ctx: PageContext, id: string | null): Promise<void> {
  let base: Goods | null = null;
  if (id) {
    replace(ctx.main, h('h1', {}, 'Edit product'), h('p', { class: 'loading', 'aria-busy': 'true' }, 'Loading…'));
    try {
      base = (await ctx.api.request<Goods>('GET', `/api/goods/${id}`)).body;
    } catch (err) {
      if (ctx.left()) return;
      replace(ctx.main, h('h1', {}, 'Edit product'), errorBox(err), h('p', {}, h('a', { href: '#/goods' }, '← Back to the goods')));
      return;
    }
    if (ctx.left()) return;
  }
  document.title = `${base ? `Edit ${base.name}` : 'New product'} · wxmall staff console`;
  let gallery: string[] = [...(base?.images ?? [])];
  /** The body and Idempotency-Key of the last create sent: the same body goes with the same key. */
  let pendingCreate: { body: string; key: string } | null = null;
  let saving = false;

  const fields: Record<GoodsField, Field> = {
    name: field(LABELS.name, input({ name: 'name', required: true, maxlength: 120, value: base?.name })),
    price: field(LABELS.price, input({ name: 'price', inputmode: 'decimal', required: true, value: base?.price }), 'Yuan, up to 2 decimals, e.g. 39.90'),
    stock: field(LABELS.stock, input({ name: 'stock', type: 'number', min: 0, step: 1, value: base?.stock ?? '' })),
    category: field(LABELS.category, input({ name: 'category', maxlength: 50, value: base?.category })),
    onSale: field(LABELS.onSale, input({ type: 'checkbox', name: 'onSale', checked: base ? base.onSale : true })),
    description: field(LABELS.description, h('textarea', { name: 'description', rows: 4, maxlength: 5000 })),
    imageUrl: field('Cover image URL', input({ name: 'imageUrl', type: 'url', maxlength: 500, value: base?.imageUrl, placeholder: 'https://…' }), 'Paste an image URL or upload a file'),
    images: field('Gallery image URL', input({ name: 'galleryUrl', type: 'url', maxlength: 500, placeholder: 'https://…' }), `Up to ${MAX_GALLERY} images`),
  };
  (fields.description.control as HTMLTextAreaElement).value = base?.description ?? '';

  const values = (): GoodsValues => ({
    name: fields.name.control.value,
    price: numeric(fields.price.control.value, false) as number,
    stock: numeric(fields.stock.control.value, true) as number,
    category: fields.category.control.value.trim() || null,
    onSale: (fields.onSale.control as HTMLInputElement).checked,
    description: fields.description.control.value || null,
    imageUrl: fields.imageUrl.control.value.trim() || null,
    images: [...gallery],
  });
  const baseValues = (): GoodsValues => (base ? { ...base, images: base.images ?? [] } : {});

  // Cover: preview, upload, remove.
  const coverPreview = h('div', { class: 'preview' });
  const showCover = () => {
    const url = fields.imageUrl.control.value.trim();
    replace(coverPreview, /^https?:\/\//i.test(url) ? h('img', { src: url, alt: 'Cover image preview' }) : h('span', { class: 'muted' }, 'No cover image'));
  };
  fields.imageUrl.control.addEventListener('change', showCover);
  const coverUpload = fileButton('Upload cover…', false, async (files) => {
    fields.imageUrl.setError([]);
    const url = await uploadAll(files.slice(0, 1), fields.imageUrl);
    if (url.length > 0) {
      fields.imageUrl.control.value = url[0];
      showCover();
    }
  });
  const coverRemove = h('button', { type: 'button', class: 'button subtle small' }, 'Remove cover');
  coverRemove.addEventListener('click', () => {
    fields.imageUrl.control.value = '';
    showCover();
  });
  showCover();

  // Gallery: list with previews; add by URL or upload; remove; move.
  const galleryList = h('ol', { class: 'gallery', 'aria-label': 'Gallery images' });
  const galleryAdd = h('button', { type: 'button', class: 'button small' }, 'Add URL');
  const galleryUpload = fileButton('Upload images…', true, async (files) => {
    fields.images.setError([]);
    const room = MAX_GALLERY - gallery.length;
    if (files.length > room) fields.images.setError([`The gallery holds ${MAX_GALLERY} images; ${files.length - room} not uploaded.`]);
    gallery.push(...(await uploadAll(files.slice(0, room), fields.images)));
    drawGallery();
  });
  const drawGallery = () => {
    replace(
      galleryList,
      gallery.map((url, i) => {
        const remove = h('button', { type: 'button', class: 'button subtle small', 'aria-label': `Remove gallery image ${i + 1}` }, 'Remove');
        remove.addEventListener('click', () => {
          gallery.splice(i, 1);
          drawGallery();
        });
        const earlier = h('button', { type: 'button', class: 'button subtle small', 'aria-label': `Move gallery image ${i + 1} earlier`, disabled: i === 0 }, '←');
        earlier.addEventListener('click', () => {
          [gallery[i - 1], gallery[i]] = [gallery[i], gallery[i - 1]];
          drawGallery();
        });
        return h('li', {}, h('img', { src: url, alt: `Gallery image ${i + 1}` }), h('div', { class: 'gallery-actions' }, earlier, remove));
      }),
    );
    if (gallery.length === 0) galleryList.appendChild(h('li', { class: 'muted empty-gallery' }, 'No gallery images'));
    const full = gallery.length >= MAX_GALLERY;
    galleryAdd.disabled = full;
    fields.images.control.disabled = full;
    galleryUpload.input.disabled = full;
  };
  galleryAdd.addEventListener('click', () => {
    const url = fields.images.control.value.trim();
    if (!/^https?:\/\/\S+$/i.test(url)) {
      fields.images.setError(['Enter an http(s) URL of an image.']);
      return;
    }
    fields.images.setError([]);
    gallery.push(url);
    fields.images.control.value = '';
    drawGallery();
  });
  drawGallery();

  async function uploadAll(files: File[], at: Field): Promise<string[]> {
    const urls: string[] = [];
    for (const file of files) {
      const form = new FormData();
      form.append('purpose', 'goods');
      form.append('file', file);
      at.setError([`Uploading ${urls.length + 1} of ${files.length}…`]);
      try {
        urls.push((await ctx.api.request<Media>('POST', '/api/media', { form })).body.url);
      } catch (err) {
        const unavailable = err instanceof ApiError && err.status === 404;
        const text = describeError(err);
        at.setError([unavailable ? 'Image upload is not available on this server yet: paste an image URL instead.' : text.title]);
        return urls;
      }
    }
    at.setError([]);
    return urls;
  }

  const feedback = h('div', { class: 'feedback' });
  const conflict = h('section', { class: 'conflict', hidden: true, 'aria-labelledby': 'conflict-title' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, base ? 'Save changes' : 'Create product');
  const remove = base && h('button', { type: 'button', class: 'button danger' }, 'Delete');
  const form = h(
    'form',
    { class: 'goods-form card', novalidate: true },
    h(
      'div',
      { class: 'form-grid' },
      h('div', { class: 'col' }, fields.name.wrapper, h('div', { class: 'row' }, fields.price.wrapper, fields.stock.wrapper), fields.category.wrapper, fields.onSale.wrapper, fields.description.wrapper),
      h(
        'div',
        { class: 'col' },
        h('fieldset', { class: 'images' }, h('legend', {}, 'Cover image'), coverPreview, fields.imageUrl.wrapper, h('div', { class: 'actions' }, coverUpload.wrapper, coverRemove)),
        h('fieldset', { class: 'images' }, h('legend', {}, 'Gallery'), galleryList, fields.images.wrapper, h('div', { class: 'actions' }, galleryAdd, galleryUpload.wrapper)),
      ),
    ),
    h('div', { class: 'actions form-actions' }, submit, h('a', { href: '#/goods', class: 'button subtle' }, 'Back to the list'), remove),
  );

  replace(
    ctx.main,
    h('div', { class: 'page-head' }, h('h1', {}, base ? `Edit “${base.name}”` : 'New product'), base && h('p', { class: 'muted meta' }, `Version ${base.version} · updated ${formatTime(base.updatedAt)}`)),
    conflict,
    feedback,
    form,
  );

  const clearErrors = () => {
    for (const f of Object.values(fields)) f.setError([]);
    replace(feedback);
  };

  const showServerErrors = (err: unknown) => {
    if (err instanceof ApiError && err.status === 400) {
      const placed = fieldErrors(err.messages, LABELS);
      for (const [name, messages] of Object.entries(placed.byField)) fields[name as GoodsField].setError(messages);
      const first = Object.keys(placed.byField)[0] as GoodsField | undefined;
      replace(feedback, errorBox(new ApiError(err.status, err.code, placed.other, err.requestId)));
      if (first) fields[first].control.focus();
      return;
    }
    replace(feedback, errorBox(err));
    feedback.focus();
  };
  feedback.tabIndex = -1;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (saving) return;
    clearErrors();
    saving = true;
    submit.disabled = true;
    try {
      if (!base) await create();
      else await update(base);
    } finally {
      saving = false;
      submit.disabled = false;
    }
  });

  async function create(): Promise<void> {
    const v = values();
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(v)) {
      if (value === undefined || value === null) continue;
      if (key === 'images' && (value as string[]).length === 0) continue;
      body[key] = value;
    }
    const serial = JSON.stringify(body);
    if (pendingCreate?.body !== serial) pendingCreate = { body: serial, key: crypto.randomUUID() };
    submit.textContent = 'Creating…';
    try {
      const { body: created } = await ctx.api.request<Goods>('POST', '/api/goods', { body, headers: { 'Idempotency-Key': pendingCreate.key } });
      pendingCreate = null;
      flash(`Created “${created.name}”.`);
      ctx.navigate(`#/goods/${created.id}`);
    } catch (err) {
      submit.textContent = 'Create product';
      showServerErrors(err);
    }
  }

  async function update(from: Goods): Promise<void> {
    const changes = changedFields(baseValues(), values());
    if (changes.length === 0) {
      replace(feedback, h('p', { class: 'notice info', role: 'status' }, 'Nothing has changed.'));
      return;
    }
    const body: Record<string, unknown> = { version: from.version };
    for (const change of changes) body[change.field] = change.after ?? (change.field === 'images' ? [] : null);
    submit.textContent = 'Saving…';
    try {
      const { body: saved } = await ctx.api.request<Goods>('PATCH', `/api/goods/${from.id}`, { body });
      flash(`Saved “${saved.name}” (version ${saved.version}).`);
      ctx.navigate('#/goods');
    } catch (err) {
      submit.textContent = 'Save changes';
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') await showConflict(from, err);
      else showServerErrors(err);
    }
  }

  /** Someone saved first: show their changes beside the user's, and let the user choose. */
  async function showConflict(from: Goods, error: ApiError): Promise<void> {
    let current: Goods | null = null;
    try {
      current = (await ctx.api.request<Goods>('GET', `/api/goods/${from.id}`)).body;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'GOODS_NOT_FOUND') {
        replace(feedback, errorBox(err));
        return;
      }
      replace(feedback, errorBox(err));
      return;
    }
    const theirs = changedFields(baseValues(), { ...current, images: current.images ?? [] });
    const mine = changedFields(baseValues(), values());
    const reload = h('button', { type: 'button', class: 'button primary' }, 'Reload their version');
    const keep = h('button', { type: 'button', class: 'button' }, 'Keep my edits on top of theirs');
    reload.addEventListener('click', () => void goodsFormPage(ctx, from.id).then(() => notify(`Loaded version ${current!.version}.`)));
    keep.addEventListener('click', () => {
      // The form keeps the user's values; the next save is checked against the version just seen.
      base = current;
      conflict.hidden = true;
      notify(`Your edits are kept; saving now would replace version ${current!.version}.`);
      submit.focus();
    });
    const row = (c: { field: GoodsField; before: unknown; after: unknown }) =>
      h('tr', {}, h('th', { scope: 'row' }, LABELS[c.field]), h('td', {}, formatValue(c.before)), h('td', {}, formatValue(c.after)));
    replace(
      conflict,
      h('h2', { id: 'conflict-title' }, 'Someone else changed this product'),
      h(
        'p',
        {},
        `You started from version ${from.version}; it is now version ${current.version}, updated ${formatTime(current.updatedAt)}. Nothing of yours was saved.`,
      ),
      theirs.length > 0
        ? h(
            'table',
            { class: 'diff' },
            h('caption', {}, 'Their changes'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'When you opened it'), h('th', { scope: 'col' }, 'Now'))),
            h('tbody', {}, theirs.map(row)),
          )
        : h('p', {}, 'Their save changed no field you can see here.'),
      mine.length > 0 &&
        h(
          'table',
          { class: 'diff' },
          h('caption', {}, 'Your unsaved edits'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Field'), h('th', { scope: 'col' }, 'Was'), h('th', { scope: 'col' }, 'Yours'))),
          h('tbody', {}, mine.map(row)),
        ),
      error.requestId && h('p', { class: 'request-id' }, 'Request id: ', h('code', {}, error.requestId)),
      h('div', { class: 'actions' }, reload, keep),
    );
    conflict.hidden = false;
    conflict.tabIndex = -1;
    conflict.focus();
  }

  remove?.addEventListener('click', async () => {
    const ok = await confirmDialog({
      title: 'Delete this product?',
      message: `“${base!.name}” will be removed from the catalogue. This cannot be undone.`,
      confirm: 'Delete',
      danger: true,
    });
    if (!ok) {
      remove.focus();
      return;
    }
    try {
      await ctx.api.request('DELETE', `/api/goods/${base!.id}`);
      flash(`Deleted “${base!.name}”.`);
      ctx.navigate('#/goods');
    } catch (err) {
      replace(feedback, errorBox(err));
    }
  });
}

/** A file picker that looks like a button and is reachable by keyboard (the input itself takes focus). */
function fileButton(label: string, multiple: boolean, picked: (files: File[]) => Promise<void>): { wrapper: HTMLElement; input: HTMLInputElement } {
  const fileInput = h('input', { type: 'file', accept: IMAGE_TYPES, multiple, class: 'file-input' });
  fileInput.addEventListener('change', async () => {
    const files = [...(fileInput.files ?? [])];
    fileInput.value = '';
    if (files.length > 0) await picked(files);
  });
  return { wrapper: h('label', { class: 'button small file-button' }, fileInput, h('span', {}, label)), input: fileInput };
}

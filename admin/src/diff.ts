/** What changed between two versions of a product (the version conflict panel, the edit's PATCH body). */
import type { Goods } from './types.js';

export const GOODS_FIELDS = ['name', 'price', 'stock', 'category', 'onSale', 'description', 'imageUrl', 'images'] as const;
export type GoodsField = (typeof GOODS_FIELDS)[number];
export type GoodsValues = { [K in GoodsField]?: Goods[K] };

export interface FieldChange {
  field: GoodsField;
  before: unknown;
  after: unknown;
}

/** Absent, null, '' and (for the gallery) [] all mean "no value". */
function normalise(field: GoodsField, value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (field === 'images' && Array.isArray(value) && value.length === 0) return null;
  return value;
}

export function changedFields(before: GoodsValues, after: GoodsValues, fields: readonly GoodsField[] = GOODS_FIELDS): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const a = normalise(field, before[field]);
    const b = normalise(field, after[field]);
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ field, before: before[field] ?? null, after: after[field] ?? null });
  }
  return changes;
}

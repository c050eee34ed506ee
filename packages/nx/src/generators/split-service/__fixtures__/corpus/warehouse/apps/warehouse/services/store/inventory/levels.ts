import type { Sku } from '../catalog/skus';

/** Units on the shelf, by SKU. Only the inventory endpoints read or change it. */
const levels = new Map<Sku, number>([
  ['apple', 10],
  ['pear', 0],
  ['plum', 3],
]);

export function levelOf(sku: Sku): number {
  return levels.get(sku) ?? 0;
}

export function addUnits(sku: Sku, units: number): number {
  const level = levelOf(sku) + units;
  levels.set(sku, level);
  return level;
}

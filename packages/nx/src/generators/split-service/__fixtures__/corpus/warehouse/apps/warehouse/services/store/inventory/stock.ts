import { api } from '@topo/runtime';
import { checkSku } from '../catalog/skus';
import { levelOf } from './levels';

export interface StockLevel {
  sku: string;
  units: number;
  inStock: boolean;
}

export const getStock = api(
  { expose: true, method: 'GET', path: '/stock/:sku' },
  async ({ sku }: { sku: string }): Promise<StockLevel> => {
    const units = levelOf(checkSku(sku));
    return { sku, units, inStock: units > 0 };
  },
);

import { api, APIError, ErrCode } from '@topo/runtime';
import { checkSku } from '../catalog/skus';
import { addUnits } from './levels';
import type { StockLevel } from './stock';

export const restock = api(
  { expose: true, method: 'POST', path: '/stock/:sku/restock' },
  async ({ sku, units }: { sku: string; units: number }): Promise<StockLevel> => {
    if (!Number.isInteger(units) || units <= 0) throw new APIError(ErrCode.InvalidArgument, 'units must be a positive whole number');
    const level = addUnits(checkSku(sku), units);
    return { sku, units: level, inStock: level > 0 };
  },
);

import { api, APIError, ErrCode } from '@topo/runtime';
import { applyDiscount, discountFor, formatPrice } from './money';
import { findProduct, PRODUCTS, type Product } from './products';

export interface ProductView {
  id: number;
  name: string;
  price: string;
}

function view(product: Product): ProductView {
  return { id: product.id, name: product.name, price: formatPrice(product.priceCents) };
}

export const listProducts = api(
  { expose: true, method: 'GET', path: '/products' },
  async (): Promise<{ products: ProductView[] }> => ({ products: PRODUCTS.map(view) }),
);

export const getProduct = api(
  { expose: true, method: 'GET', path: '/products/:id' },
  async ({ id }: { id: number }): Promise<ProductView> => view(findProduct(id)),
);

export interface QuoteRequest {
  productId: number;
  quantity: number;
}

export interface Quote {
  product: string;
  quantity: number;
  discountPercent: number;
  total: string;
}

const MAX_QUANTITY = 1000;

export const quote = api(
  { expose: true, method: 'POST', path: '/quotes' },
  async ({ productId, quantity }: QuoteRequest): Promise<Quote> => {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      throw new APIError(ErrCode.InvalidArgument, `quantity must be a whole number from 1 to ${MAX_QUANTITY}`);
    }
    const product = findProduct(productId);
    const discountPercent = discountFor(quantity);
    const total = applyDiscount(product.priceCents * quantity, discountPercent);
    return { product: product.name, quantity, discountPercent, total: formatPrice(total) };
  },
);

import { getProduct, listProducts, quote } from './catalog';

describe('catalog', () => {
  it('lists every product with its price', async () => {
    const { products } = await listProducts();
    expect(products.map((p) => p.price)).toEqual(['4.50 EUR', '39.99 EUR', '12.50 EUR']);
  });

  it('finds one product', async () => {
    await expect(getProduct({ id: 2 })).resolves.toEqual({ id: 2, name: 'Fountain pen', price: '39.99 EUR' });
  });

  describe('quotes', () => {
    it('gives a volume discount from ten items', async () => {
      await expect(quote({ productId: 1, quantity: 10 })).resolves.toEqual({
        product: 'Notebook',
        quantity: 10,
        discountPercent: 5,
        total: '42.75 EUR',
      });
    });

    it('refuses a quantity of zero', async () => {
      await expect(quote({ productId: 1, quantity: 0 })).rejects.toThrow('quantity must be a whole number');
    });
  });
});

import { getOrder, placeOrder } from './orders';

it('records an order and finds it again', async () => {
  const order = await placeOrder({ sku: 'pear', quantity: 2 });
  await expect(getOrder({ id: order.id })).resolves.toEqual({ id: order.id, sku: 'pear', quantity: 2 });
});

it('refuses an unknown SKU', async () => {
  await expect(placeOrder({ sku: 'kiwi', quantity: 1 })).rejects.toThrow('unknown SKU "kiwi"');
});

import { createHost } from '@topo/runtime/host';
import * as helloEndpoints from '../hello/hello';
import helloService from '../hello/service';
import { both, h2 } from './yo';

// both asks the hello service through its client: host hello in this process, as the mono topology does.
const host = createHost({
  app: 'test',
  process: 'test',
  edge: false,
  register: true,
  services: [{ service: helloService, endpoints: [{ name: 'formal', endpoint: helloEndpoints.formal }] }],
});
afterAll(() => host.close());

describe('yo', () => {
  it('greets with h2', async () => {
    await expect(h2({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada!' });
  });

  it("adds hello's formal greeting, asked through hello's client", async () => {
    await expect(both({ name: 'Ada' })).resolves.toEqual({ message: 'Yo, Ada! Good day, Ada.' });
  });
});

import { routeFor } from './tickets';

it('routes escalations by the requester team', () => {
  expect(routeFor('engineering')).toBe('on-call engineer');
  expect(routeFor('support')).toBe('support lead');
});

import { Role } from '../users/types';
import { describeUser } from './describe-user';

it('describes a user in one line', () => {
  expect(describeUser({ id: 7, name: 'Edsger', role: Role.Viewer })).toEqual({ who: 'Edsger (#7)', role: 'viewer' });
});

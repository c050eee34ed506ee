import { APIError, ErrCode } from '@topo/runtime';
import { Role, type User, type UserId } from './types';

const PEOPLE: readonly User[] = [
  { id: 1, name: 'Ada', role: Role.Admin },
  { id: 2, name: 'Grace', role: Role.Editor },
  { id: 3, name: 'Linus', role: Role.Viewer },
  { id: 4, name: 'Barbara', role: Role.Editor },
];

export function allPeople(): readonly User[] {
  return PEOPLE;
}

export function person(id: UserId): User {
  const user = PEOPLE.find((p) => p.id === id);
  if (!user) throw new APIError(ErrCode.NotFound, `no user ${id}`);
  return user;
}

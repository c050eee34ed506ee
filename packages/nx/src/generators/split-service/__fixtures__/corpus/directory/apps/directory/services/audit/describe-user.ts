import type { Role, User } from '../users/types';

export interface UserLine {
  who: string;
  role: Role;
}

export function describeUser(user: User): UserLine {
  return { who: `${user.name} (#${user.id})`, role: user.role };
}

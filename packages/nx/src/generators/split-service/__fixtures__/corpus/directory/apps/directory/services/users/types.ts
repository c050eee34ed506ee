/** What a user may do, from most to least. */
export enum Role {
  Admin = 'admin',
  Editor = 'editor',
  Viewer = 'viewer',
}

export type UserId = number;

export interface User {
  id: UserId;
  name: string;
  role: Role;
}

/** One page of a list, and how many there are in all. */
export interface Page<T> {
  items: T[];
  total: number;
}

import { api, APIError, ErrCode } from '@topo/runtime';

export interface Person {
  handle: string;
  name: string;
  team: 'support' | 'engineering';
}

const PEOPLE: readonly Person[] = [
  { handle: 'ada', name: 'Ada', team: 'engineering' },
  { handle: 'joan', name: 'Joan', team: 'support' },
];

export const lookup = api(
  { method: 'GET', path: '/internal/people/:handle' },
  async ({ handle }: { handle: string }): Promise<Person> => {
    const person = PEOPLE.find((p) => p.handle === handle);
    if (!person) throw new APIError(ErrCode.NotFound, `no one called "${handle}"`);
    return person;
  },
);

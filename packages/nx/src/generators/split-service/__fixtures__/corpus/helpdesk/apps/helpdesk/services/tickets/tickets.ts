import { api, APIError, ErrCode } from '@topo/runtime';
import { people } from '../people/client';

export interface Ticket {
  id: number;
  title: string;
  requester: string;
}

const TICKETS: readonly Ticket[] = [
  { id: 1, title: 'Cannot log in', requester: 'joan' },
  { id: 2, title: 'Checkout is slow', requester: 'ada' },
];

/** The ticket and the person who asked, as both the desk and escalations show them. */
async function withRequester(id: number): Promise<{ ticket: Ticket; requester: string; team: string }> {
  const ticket = TICKETS.find((t) => t.id === id);
  if (!ticket) throw new APIError(ErrCode.NotFound, `no ticket ${id}`);
  const person = await people.lookup({ handle: ticket.requester });
  return { ticket, requester: person.name, team: person.team };
}

export const getTicket = api(
  { expose: true, method: 'GET', path: '/tickets/:id' },
  async ({ id }: { id: number }): Promise<{ title: string; requester: string }> => {
    const { ticket, requester } = await withRequester(id);
    return { title: ticket.title, requester };
  },
);

/** Who takes an escalated ticket, by the requester's team. */
export function routeFor(team: string): string {
  return team === 'engineering' ? 'on-call engineer' : 'support lead';
}

export const escalate = api(
  { expose: true, method: 'POST', path: '/tickets/:id/escalate' },
  async ({ id }: { id: number }): Promise<{ id: number; to: string }> => {
    const { team } = await withRequester(id);
    return { id, to: routeFor(team) };
  },
);

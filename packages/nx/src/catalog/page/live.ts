import type { Catalog } from '../model';

/**
 * Live mode. Served over http by `nx serve`, the page finds `/__topo/catalog.json` and follows
 * the catalog: server-sent events from `/__topo/catalog/events` (`event: catalog`, the whole
 * catalog as data, once on connect and on every change), or, when EventSource is missing or
 * the stream fails for good, a poll of the JSON every two seconds. Opened as a file, the page
 * stays on the catalog embedded in it.
 */

export const CATALOG_URL = '/__topo/catalog.json';
export const EVENTS_URL = '/__topo/catalog/events';
export const POLL_MS = 2000;

export type LiveState =
  /** Opened as a file, or nothing answers the catalog: the embedded catalog, no try-it-out. */
  | 'static'
  | 'connecting'
  /** Following the event stream. */
  | 'live'
  /** Following by polling. */
  | 'polling'
  /** Was live; the app does not answer right now (nx serve restarting, or stopped). */
  | 'offline';

export interface LiveHandlers {
  onCatalog(catalog: Catalog): void;
  onState(state: LiveState): void;
}

/** Starts following the served catalog; resolves whether the page is live. */
export async function connectLive(handlers: LiveHandlers): Promise<boolean> {
  if (location.protocol !== 'http:' && location.protocol !== 'https:') {
    handlers.onState('static');
    return false;
  }
  handlers.onState('connecting');
  let last = '';
  const receive = (text: string): boolean => {
    if (text === last) return true;
    let catalog: unknown;
    try {
      catalog = JSON.parse(text);
    } catch {
      return false;
    }
    if (!isCatalog(catalog)) return false;
    last = text;
    handlers.onCatalog(catalog);
    return true;
  };

  const first = await fetchCatalog();
  if (first === undefined || !receive(first)) {
    handlers.onState('static');
    return false;
  }
  if (typeof EventSource === 'function') follow(handlers, receive);
  else poll(handlers, receive);
  return true;
}

function follow(handlers: LiveHandlers, receive: (text: string) => boolean): void {
  const events = new EventSource(EVENTS_URL);
  let opened = false;
  events.addEventListener('open', () => {
    opened = true;
    handlers.onState('live');
  });
  events.addEventListener('catalog', (event) => {
    receive((event as MessageEvent<string>).data);
  });
  events.addEventListener('error', () => {
    // CLOSED: the server refused the stream (no such route, not an event stream); never
    // opened: it does not speak SSE. Either way, poll. Otherwise EventSource reconnects.
    if (events.readyState === EventSource.CLOSED || !opened) {
      events.close();
      poll(handlers, receive);
    } else handlers.onState('offline');
  });
}

function poll(handlers: LiveHandlers, receive: (text: string) => boolean): void {
  handlers.onState('polling');
  const tick = async () => {
    const text = await fetchCatalog();
    handlers.onState(text !== undefined && receive(text) ? 'polling' : 'offline');
    setTimeout(tick, POLL_MS);
  };
  setTimeout(tick, POLL_MS);
}

async function fetchCatalog(): Promise<string | undefined> {
  try {
    const response = await fetch(CATALOG_URL, { cache: 'no-store', headers: { accept: 'application/json' } });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** Enough of the shape to draw it: a newer server's catalog with extra fields still passes. */
export function isCatalog(value: unknown): value is Catalog {
  if (!value || typeof value !== 'object') return false;
  const catalog = value as Partial<Catalog>;
  return (
    typeof catalog.version === 'number' &&
    Array.isArray(catalog.services) &&
    Array.isArray(catalog.calls) &&
    Array.isArray(catalog.topologies) &&
    (catalog.databases === undefined || Array.isArray(catalog.databases))
  );
}

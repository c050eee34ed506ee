/**
 * Reads what render-page.ts embedded (the catalog, the diagram's layout): a JSON string
 * holding the JSON, gzipped, in base64 (`data-encoding="gzip-base64"`); plain JSON when no
 * encoding is named. Inflated with the browser's own DecompressionStream: no network, no
 * library.
 */
export async function readEmbedded(element: HTMLElement): Promise<unknown> {
  const value: unknown = JSON.parse(element.textContent ?? '');
  if (element.dataset.encoding !== 'gzip-base64') return value;
  if (typeof value !== 'string') throw new Error('the embedded catalog is not a string');
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(inflated).text());
}

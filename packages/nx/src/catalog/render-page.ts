import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import type { Catalog } from './model';
import { layoutDiagram, layoutKey, type DiagramLayout } from './page/layout';
import { serviceGraph } from './page/view-model';

/**
 * The catalog page: one self-contained HTML document with the catalog embedded, its script
 * (the TypeScript in ./page, with dagre, bundled by esbuild) and its style sheet inlined.
 * It names no other host: no CDN, no web font; its Content-Security-Policy lets it load
 * nothing and connect nowhere but its own origin (where `nx serve` answers the live catalog
 * and try-it-out requests). The bundle is made once per content of the page's sources and
 * kept in memory, so rendering again costs the JSON and the string concatenation.
 */

/** The page's sources: beside this file in the repository, in the package's src when running from dist. */
const PAGE_DIR = [join(__dirname, 'page'), join(__dirname, '..', '..', 'src', 'catalog', 'page')].find((dir) => existsSync(join(dir, 'main.ts')));

/** The id of the `<script type="application/json">` that holds the catalog. */
export const CATALOG_ELEMENT_ID = 'topo-catalog';
/** The id of the one that holds the diagram's layout, made here so that the browser draws at once. */
export const LAYOUT_ELEMENT_ID = 'topo-layout';

/**
 * How the catalog is embedded: its JSON, gzipped, in base64, as one JSON string. Schemas
 * with their descriptions make most of a catalog's weight and repeat a lot (a 200-service
 * catalog of 1 MB of JSON gzips to under 100 KB), so the page stays light however many
 * endpoints it lists; the page inflates it with the browser's DecompressionStream.
 * catalog.json beside the page holds the same model as plain JSON.
 */
export const CATALOG_ENCODING = 'gzip-base64';

interface PageAssets {
  script: string;
  style: string;
}

let cached: { key: string; assets: Promise<PageAssets> } | undefined;

/**
 * Renders the catalog page of an app.
 *
 * @example
 * const html = await renderCatalogPage(buildCatalog({ name: 'demo', config, services, schemas }));
 * writeFileSync('dist/demo/catalog/index.html', html);
 */
export async function renderCatalogPage(catalog: Catalog): Promise<string> {
  const { script, style } = await pageAssets();
  const title = `${catalog.app.name} · service catalog`;
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(script)}'`,
    `style-src '${sha256(style)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return (
    '<!doctype html>\n' +
    '<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">\n` +
    '<meta name="generator" content="@topo/nx">\n' +
    `<title>${escapeHtml(title)}</title>\n` +
    `<style>${style}</style>\n</head>\n<body>\n` +
    '<noscript><p>The service catalog needs JavaScript. catalog.json beside this page holds the same model.</p></noscript>\n' +
    '<div id="topo-app"></div>\n' +
    `<script type="application/json" id="${CATALOG_ELEMENT_ID}" data-encoding="${CATALOG_ENCODING}">${embedJson(encodeCatalog(catalog))}</script>\n` +
    `<script type="application/json" id="${LAYOUT_ELEMENT_ID}" data-encoding="${CATALOG_ENCODING}">${embedJson(encode(diagramLayout(catalog)))}</script>\n` +
    `<script>${script}</script>\n` +
    '</body>\n</html>\n'
  );
}

/**
 * JSON that stays inside its `<script>` element whatever the strings in it hold: `<`, `>`
 * and `&` as `\u003c` escapes (so no `</script>` or `<!--` can appear), and the two line
 * separators JavaScript once refused. JSON.parse reads it back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The catalog as the page embeds it (see {@link CATALOG_ENCODING}). */
export function encodeCatalog(catalog: Catalog): string {
  return encode(catalog);
}

function encode(value: unknown): string {
  return gzipSync(JSON.stringify(value), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

const layouts = new Map<string, DiagramLayout>();

/** The whole diagram laid out (kept for the last few catalogs: nx serve renders the page again for every change). */
function diagramLayout(catalog: Catalog): DiagramLayout {
  const graph = serviceGraph(catalog);
  const key = layoutKey(catalog, graph, undefined);
  let laid = layouts.get(key);
  if (!laid) {
    laid = layoutDiagram(catalog, graph);
    layouts.set(key, laid);
    if (layouts.size > 4) layouts.delete(layouts.keys().next().value as string);
  }
  return laid;
}

/** Reads the diagram layout embedded in a rendered page. */
export function readEmbeddedLayout(html: string): DiagramLayout {
  return decodeElement(html, LAYOUT_ELEMENT_ID) as DiagramLayout;
}

/** Reads the catalog embedded in a rendered page, as the page itself does. */
export function readEmbeddedCatalog(html: string): Catalog {
  return decodeElement(html, CATALOG_ELEMENT_ID) as Catalog;
}

function decodeElement(html: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}" data-encoding="${CATALOG_ENCODING}">`;
  const start = html.indexOf(open);
  if (start === -1) throw new Error(`The page has no <script id="${id}">.`);
  const end = html.indexOf('</script>', start);
  const encoded = JSON.parse(html.slice(start + open.length, end)) as string;
  return JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8'));
}

function pageAssets(): Promise<PageAssets> {
  if (!PAGE_DIR) {
    return Promise.reject(new Error(`The catalog page's sources are missing: looked for page/main.ts beside ${__dirname} and in the package's src/catalog/page.`));
  }
  const key = sourcesHash(PAGE_DIR);
  if (cached?.key !== key) {
    const assets = bundlePage(PAGE_DIR);
    cached = { key, assets };
    assets.catch(() => {
      if (cached?.assets === assets) cached = undefined;
    });
  }
  return cached.assets;
}

/** A hash of every source of the page and of the versions of what it bundles. */
function sourcesHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) {
    if (!/\.(ts|css)$/.test(file) || /\.spec\.ts$/.test(file)) continue;
    hash.update(file).update('\0').update(readFileSync(join(dir, file))).update('\0');
  }
  for (const name of BUNDLED) hash.update(packageVersion(name, dir)).update('\0');
  return hash.digest('hex');
}

/** The packages the page's bundle holds, whose licences it carries. */
const BUNDLED = ['@dagrejs/dagre', '@dagrejs/graphlib'];

function packageVersion(name: string, from: string): string {
  try {
    return `${name}@${(JSON.parse(readFileSync(packageJson(name, from), 'utf8')) as { version: string }).version}`;
  } catch {
    return `${name}@?`;
  }
}

function packageJson(name: string, from: string): string {
  // graphlib does not export its package.json: find its folder through dagre's.
  const dagre = require.resolve('@dagrejs/dagre/package.json', { paths: [from] });
  if (name === '@dagrejs/dagre') return dagre;
  return require.resolve(`${name}/package.json`, { paths: [dirname(dagre), from] });
}

async function bundlePage(dir: string): Promise<PageAssets> {
  const esbuild = await import('esbuild');
  const built = await esbuild.build({
    entryPoints: [join(dir, 'main.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    tsconfig: join(dir, 'tsconfig.json'),
    logLevel: 'silent',
  });
  const css = await esbuild.transform(readFileSync(join(dir, 'styles.css'), 'utf8'), { loader: 'css', minify: true, charset: 'utf8', logLevel: 'silent' });
  const script = `${built.outputFiles[0].text.trim()}\n${licenceComment(dir)}`;
  return { script: inlineSafe(script), style: inlineSafe(css.code.trim()) };
}

/** The MIT notices of the bundled packages, as one comment at the end of the script. */
function licenceComment(dir: string): string {
  const notices = BUNDLED.map((name) => {
    let text: string;
    try {
      text = readFileSync(join(dirname(packageJson(name, dir)), 'LICENSE'), 'utf8');
    } catch {
      text = '(its LICENSE file was not found)';
    }
    return `${packageVersion(name, dir)}, MIT License:\n${text.trim()}`;
  });
  return `/*!\n${notices.join('\n\n').replace(/\*\//g, '* /').replace(/https?:\/\/\S+/g, '')}\n*/`;
}

/** Keeps text from closing its `<script>` or `<style>` element early. */
function inlineSafe(code: string): string {
  return code.replace(/<\/(script|style)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

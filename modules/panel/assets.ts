/**
 * The panel's files: its own (under `web/`, revalidated by ETag) and the vendor libraries read
 * from their npm packages (URL carries the version, so they are cached as immutable). Read once
 * per module version: a change under `modules/panel/` reloads the module and so the files.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pageHeaders } from '../../lib/page-headers.ts';

export interface Asset {
  /** URL path, absolute (the module's prefix is `/`). */
  path: string;
  type: string;
  body: Buffer;
  etag: string;
  cacheControl: string;
  summary: string;
  /** Headers of its own: the page's Content-Security-Policy and framing refusal. */
  headers?: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Browser ES module builds of the libraries; the import map names them by package. */
const VENDOR = [
  { pkg: 'preact', file: 'dist/preact.mjs', specifier: 'preact' },
  { pkg: 'preact', file: 'hooks/dist/hooks.mjs', specifier: 'preact/hooks' },
  { pkg: 'htm', file: 'dist/htm.mjs', specifier: 'htm' },
];

/** The shell's own modules and the landing page, preloaded by the page (the form builder and the chart only serve other pages). */
const PRELOAD = /^\/assets\/(app|lib\/(?!schema-form|chart)[\w-]+|pages\/dashboard)\.js$/;

const REVALIDATE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

function asset(urlPath: string, file: string, body: Buffer, cacheControl: string, summary: string): Asset {
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
  return { path: urlPath, type, body, etag, cacheControl, summary };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && TYPES[path.extname(e.name)])
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/** The folder and version of an installed package (not every package exports its package.json). */
function packageRoot(require: NodeRequire, pkg: string): { dir: string; version: string } {
  let dir = path.dirname(require.resolve(pkg));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (manifest.name === pkg) return { dir, version: manifest.version };
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package folder of ${pkg}`);
    dir = parent;
  }
}

function vendorAssets(moduleDir: string): { assets: Asset[]; imports: Record<string, string> } {
  // From the real folder: a modules dir may link the panel in from elsewhere (node_modules is beside the real one).
  const require = createRequire(path.join(realpathSync(moduleDir), 'index.ts'));
  const assets: Asset[] = [];
  const imports: Record<string, string> = {};
  for (const v of VENDOR) {
    const { dir, version } = packageRoot(require, v.pkg);
    const urlPath = `/vendor/${v.pkg}@${version}/${v.file}`;
    assets.push(asset(urlPath, v.file, readFileSync(path.join(dir, v.file)), IMMUTABLE, `Panel library ${v.specifier} ${version}`));
    // Relative to the page, so the panel works under a reverse-proxy sub-path.
    imports[v.specifier] = `.${urlPath}`;
  }
  return { assets, imports };
}

/** Every file the panel serves, with `/` being the page itself (import map filled in). */
export function loadAssets(moduleDir: string): Asset[] {
  const webDir = path.join(moduleDir, 'web');
  const vendor = vendorAssets(moduleDir);
  const own = filesUnder(webDir)
    .filter((f) => f !== 'index.html')
    .map((f) => asset(`/assets/${f}`, f, readFileSync(path.join(webDir, f)), REVALIDATE, `Panel file ${f}`));
  const importMap = JSON.stringify({ imports: vendor.imports });
  // Preloading the shell's whole import graph (and the landing page) turns a waterfall of
  // module requests into one parallel round.
  const preload = [...Object.values(vendor.imports), ...own.filter((a) => PRELOAD.test(a.path)).map((a) => `.${a.path}`)]
    .map((href) => `<link rel="modulepreload" href="${href}">`)
    .join('\n');
  const html = readFileSync(path.join(webDir, 'index.html'), 'utf8').replace('<!--importmap-->', `<script type="importmap">${importMap}</script>\n${preload}`);
  const page = { ...asset('/', 'index.html', Buffer.from(html), REVALIDATE, 'Web panel'), headers: pageHeaders(html) };
  return [page, ...own, ...vendor.assets];
}

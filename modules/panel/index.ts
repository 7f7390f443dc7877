/**
 * The web panel (README.md#web-panel): a single-page management UI served at `/`, built from plain ES
 * modules and an import map (Preact + htm from their npm packages), so there is no build step.
 * It holds no secret: the page talks to the API with the HttpOnly `auth_token` cookie.
 */
import { defineModule } from '../../kernel/index.ts';
import type { ModuleContext, ModuleRouter } from '../../kernel/index.ts';
import { loadAssets, type Asset } from './assets.ts';

function serve(asset: Asset) {
  return (c: Parameters<Parameters<ModuleRouter['get']>[1]>[0]) => {
    c.set('Cache-Control', asset.cacheControl);
    c.set('X-Content-Type-Options', 'nosniff');
    c.set('Referrer-Policy', 'no-referrer');
    if (asset.headers) c.set(asset.headers);
    c.etag = asset.etag;
    c.type = asset.type;
    // Koa only compares validators on a 2xx status, and a response starts as 404.
    c.status = 200;
    if (c.fresh) {
      c.status = 304;
      c.body = '';
      return;
    }
    c.body = asset.body;
  };
}

function routes(router: ModuleRouter, ctx: ModuleContext): void {
  const assets = loadAssets(ctx.dir);
  for (const asset of assets) {
    router.get(asset.path, ctx.validate({ summary: asset.summary }), serve(asset));
  }
}

export default defineModule({ name: 'panel', prefix: '/', routes });

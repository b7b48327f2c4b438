/**
 * The application's routes, after the CDN and WAF layers have let a request through. Only GET is
 * routed (Sinatra answers any other method on these paths with its 404); a path with no route gives
 * null, which the server turns into the HTML 404 page.
 */
import type { BulkFiles } from './bulk.js';
import { codesRoute, fakeCodes } from './codes.js';
import { certificateRoute, deltasRoute } from './documents.js';
import type { Answer } from './http.js';
import { search } from './search.js';
import type { FakeRegister, FakeStore } from './store.js';

/** Extra routes (tests' own endpoints) plug in here; return null to pass. */
export type Route = (path: string, params: URLSearchParams, ctx: { store: FakeStore; today: string; url: string }) => Answer | null;

export interface RouterContext {
  store: FakeStore;
  today: string;
  /** The server's base URL (for redirects to the fake S3 host). */
  url: string;
  seed: number;
  unstableOrder: boolean;
  bulk: BulkFiles;
  extraRoutes: readonly Route[];
  unlisted: ReadonlySet<string>;
}

export function route(method: string, path: string, params: URLSearchParams, ctx: RouterContext): Answer | null {
  if (method !== 'GET') return null;
  const register = /^\/api\/(domestic|non-domestic|display)\/search$/.exec(path)?.[1] as FakeRegister | undefined;
  if (register) {
    return search(params, { store: ctx.store, today: ctx.today, seed: ctx.seed, unstableOrder: ctx.unstableOrder, register, unlisted: ctx.unlisted });
  }
  if (path === '/api/certificate') return certificateRoute(params, ctx.store);
  if (path === '/api/deltas') return deltasRoute(params, ctx.store, ctx.today);
  if (path.startsWith('/api/codes')) return codesRoute(path, params, fakeCodes(ctx.store));
  const files = /^\/api\/files\/(domestic|non-domestic|display)\/csv(\/info)?$/.exec(path);
  if (files) {
    const of = files[1] as FakeRegister;
    if (files[2] || !ctx.bulk.files.has(of)) return ctx.bulk.info(of);
    return { status: 302, body: null, location: ctx.bulk.signedUrl(ctx.url, of) };
  }
  for (const extra of ctx.extraRoutes) {
    const answer = extra(path, params, { store: ctx.store, today: ctx.today, url: ctx.url });
    if (answer) return answer;
  }
  return null;
}

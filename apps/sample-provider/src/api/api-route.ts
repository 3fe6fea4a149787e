import type { AuthorizationServer, Clock, ScopeMapping, Stores } from '@gatehouse/core';
import { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler works with besides its input. */
export interface ApiContext {
  /** The server's stores (through its cache, so this process sees its own writes at once). */
  readonly stores: Stores;
  readonly server: AuthorizationServer;
  readonly clock: Clock;
  /** The scope mappings in code (built in, then configured; later ones win by name); stored ones are in `stores.scopeMappings`. */
  readonly scopeMappings: readonly ScopeMapping[];
  readonly requestId: string;
  /** Where the API is served: `<PUBLIC_URL>/api/v1`. */
  readonly apiUrl: string;
  /** The name of the browser session's cookie. */
  readonly sessionCookie: string;
  /** The browser's CSRF token (set as a cookie when it has none yet). */
  csrfToken(): string;
}

/** The checked input of one request, and its context. */
export interface ApiRequest<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly api: ApiContext;
}

const none = z.object({});

/** `T` with every array and object read-only: handlers may return the views they build (readonly fields) as they are. */
type Immutable<T> = T extends readonly (infer Item)[] ? readonly Immutable<Item>[] : T extends object ? { readonly [K in keyof T]: Immutable<T[K]> } : T;
type NoInput = typeof none;

/**
 * One operation of the management API: the router mounts it and the OpenAPI document describes
 * it from these same fields, so the two cannot drift apart.
 */
export interface ApiRoute {
  readonly method: HttpMethod;
  /** OpenAPI style, relative to `/api/v1`: `/applications/{slug}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly params: z.ZodObject;
  readonly query: z.ZodObject;
  /** The JSON body, when the operation takes one. */
  readonly body: z.ZodType | undefined;
  /** The success status; 204 answers without a body. */
  readonly status: 200 | 201 | 204;
  /** The body of a success, absent for 204. */
  readonly response: z.ZodType | undefined;
  /** False only for the OpenAPI document itself: everything else needs an administrator. */
  readonly authenticated: boolean;
  handle(request: ApiRequest<unknown, unknown, unknown>): Promise<unknown>;
}

interface RouteDefinition<P extends z.ZodObject, Q extends z.ZodObject, B extends z.ZodType | undefined, R extends z.ZodType | undefined> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly status?: 200 | 201 | 204;
  readonly response?: R;
  readonly authenticated?: boolean;
  handle(
    request: ApiRequest<z.output<P>, z.output<Q>, B extends z.ZodType ? z.output<B> : undefined>,
  ): Promise<R extends z.ZodType ? Immutable<z.input<R>> : void>;
}

/**
 * An operation, with the handler typed by its schemas: it receives their output and must return
 * what the response schema describes.
 *
 * @example
 * defineRoute({ method: 'get', path: '/groups', operationId: 'listGroups', summary: 'List groups', tag: 'groups',
 *   response: groupListSchema, handle: async ({ api }) => ({ items: [], next_cursor: null }) });
 */
export function defineRoute<
  P extends z.ZodObject = NoInput,
  Q extends z.ZodObject = NoInput,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType | undefined = undefined,
>(definition: RouteDefinition<P, Q, B, R>): ApiRoute {
  return {
    method: definition.method,
    path: definition.path,
    operationId: definition.operationId,
    summary: definition.summary,
    tag: definition.tag,
    params: definition.params ?? none,
    query: definition.query ?? none,
    body: definition.body,
    status: definition.status ?? (definition.response === undefined ? 204 : 200),
    response: definition.response,
    authenticated: definition.authenticated ?? true,
    handle: definition.handle as ApiRoute['handle'],
  };
}

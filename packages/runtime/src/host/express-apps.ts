import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import { APIError, ErrCode, errCodeForStatus, internalError, logUnexpectedError } from '../errors';
import { deadlineExceeded, runWithDeadline } from '../deadline';
import { pathOf } from '../http/incoming';
import { sendError, sendNotFound } from '../http/respond';
import type { RouteSegment } from '../contract';
import type { Service } from '../service';
import type { RawRoute, Route, TypedRoute } from './plan';
import { serveTyped } from './serve-typed';

/**
 * express, for the services that need it: one app per service with middleware or raw
 * endpoints, so one service's middleware never sees another's requests. express is only
 * loaded when some service needs it, and only those requests pass through it: the fast path
 * has already matched the route, and hands the match over on the request.
 */

/** Serves a matched request through its service's express app. */
export type ExpressDispatch = (req: IncomingMessage, res: ServerResponse, route: Route, method: string, params: readonly string[]) => void;

/** The match the fast path made, for the typed-endpoint handler at the end of the app. */
const MATCH = Symbol('topo.match');

interface Matched {
  [MATCH]?: { route: TypedRoute; method: string; params: readonly string[] };
}

/** Builds the express apps; returns undefined (and loads nothing) when no service needs one. */
export function createExpressDispatch(services: readonly Service[], routes: readonly RawRoute[]): ExpressDispatch | undefined {
  if (services.length === 0) return undefined;
  const express = loadExpress();
  const apps = new Map<string, Express>();
  for (const service of services) {
    apps.set(service.name, createServiceApp(express, service, routes.filter((route) => route.service === service.name)));
  }
  return function dispatchToExpress(req, res, route, method, params) {
    if (route.kind === 'typed') (req as Matched)[MATCH] = { route, method, params };
    apps.get(route.service)!(req as Request, res as Response);
  };
}

function loadExpress(): typeof import('express') {
  // Required here rather than imported at the top so processes without middleware or raw
  // endpoints never load express.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('express') as typeof import('express');
}

function createServiceApp(express: typeof import('express'), service: Service, rawRoutes: readonly RawRoute[]): Express {
  const app = express();
  app.disable('x-powered-by');
  for (const middleware of service.middleware) app.use(middleware as RequestHandler);
  for (const route of rawRoutes) mountRaw(app, route);
  app.use(function serveTypedEndpoint(req: Request, res: Response, next: NextFunction) {
    const match = (req as Matched)[MATCH];
    if (match === undefined) return next();
    serveTyped(match.route, req, res, match.method, match.params);
  });
  app.use(function noRoute(req: Request, res: Response) {
    sendNotFound(res, req.method, pathOf(req.originalUrl ?? req.url));
  });
  app.use(function sendExpressError(error: unknown, req: Request, res: Response, _next: NextFunction) {
    sendError(res, ...toHttpError(error, `service ${service.name} (${req.method} ${pathOf(req.originalUrl ?? req.url)})`));
  });
  return app;
}

function mountRaw(app: Express, route: RawRoute): void {
  const path = toExpressPath(route.info.segments);
  const raw = route.info.handler as unknown as RequestHandler;
  const { timeout } = route.info;
  // Within its deadline: a handler that has not begun its answer by then gets 504 sent for it.
  const handler: RequestHandler = (req, res, next) => {
    const timer = setTimeout(() => {
      if (!res.headersSent) sendError(res, deadlineExceeded(`${route.service}.${route.name}`));
    }, timeout);
    res.once('close', () => clearTimeout(timer));
    return runWithDeadline(Date.now() + timeout, raw, req, res, next);
  };
  if (route.info.methods === '*') {
    app.all(path, handler);
    return;
  }
  for (const method of route.info.methods) {
    const lower = method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
    app[lower](path, handler);
  }
}

/** Our path syntax is express 5's; only characters special to path-to-regexp need escaping. */
export function toExpressPath(segments: readonly RouteSegment[]): string {
  if (segments.length === 0) return '/';
  return segments
    .map((segment) => {
      if (segment.kind === 'param') return `/:${segment.name}`;
      if (segment.kind === 'wildcard') return `/*${segment.name}`;
      return `/${segment.value.replace(/[{}()[\]+?!:*\\]/g, '\\$&')}`;
    })
    .join('');
}

/**
 * What an error from a middleware or raw handler answers, in our JSON shape. Errors made to
 * be shown (http-errors with a 4xx status, as body-parser throws) keep their status and
 * message; anything else is logged and answered 500 `internal`.
 */
function toHttpError(error: unknown, where: string): [APIError, number] {
  if (error instanceof APIError) return [error, error.status];
  const { status, statusCode, expose, type, message } = (error ?? {}) as {
    status?: unknown;
    statusCode?: unknown;
    expose?: unknown;
    type?: unknown;
    message?: unknown;
  };
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : 500;
  if (httpStatus >= 400 && httpStatus < 500 && expose !== false && typeof message === 'string') {
    if (type === 'entity.parse.failed') return [new APIError(ErrCode.InvalidArgument, `malformed JSON body: ${message}`), 400];
    if (httpStatus === 413) return [new APIError(ErrCode.ResourceExhausted, message), 413];
    return [new APIError(errCodeForStatus(httpStatus), message), httpStatus];
  }
  logUnexpectedError(where, error);
  return [internalError(), 500];
}

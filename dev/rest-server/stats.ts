/**
 * @module dev/rest-server/stats
 * Counters of HTTP round trips and Redis commands by route, read by tests and benchmarks
 * (in-process, or at `GET /__quarry/stats`).
 */

/** The command routes: `POST /` (and the GET-path form), `/pipeline`, `/multi-exec`. */
export const ROUTES = ['single', 'pipeline', 'multiExec'] as const;
export type RouteName = (typeof ROUTES)[number];

export interface RouteStats {
  /** HTTP requests that reached this route (round trips), whatever their outcome. */
  requests: number;
  /** Redis commands sent for this route: a pipeline of N counts N; MULTI/EXEC wrappers are not counted. */
  commands: number;
  /** Requests answered with a non-2xx status. */
  failures: number;
}

export interface RestServerStats {
  /** Sums over all routes. */
  requests: number;
  commands: number;
  failures: number;
  byRoute: Record<RouteName, RouteStats>;
  /** Requests refused with 401 before reaching a route. */
  unauthorized: number;
  /** Epoch milliseconds of the last reset (or of the start). */
  since: number;
}

export interface StatsRecorder {
  request(route: RouteName): void;
  commands(route: RouteName, count: number): void;
  failure(route: RouteName): void;
  unauthorized(): void;
  snapshot(): RestServerStats;
  reset(): void;
}

const emptyRoute = (): RouteStats => ({ requests: 0, commands: 0, failures: 0 });

export function createStats(now: () => number = Date.now): StatsRecorder {
  let byRoute = { single: emptyRoute(), pipeline: emptyRoute(), multiExec: emptyRoute() };
  let unauthorized = 0;
  let since = now();
  return {
    request: (route) => void byRoute[route].requests++,
    commands: (route, count) => void (byRoute[route].commands += count),
    failure: (route) => void byRoute[route].failures++,
    unauthorized: () => void unauthorized++,
    snapshot() {
      const copy = {
        single: { ...byRoute.single },
        pipeline: { ...byRoute.pipeline },
        multiExec: { ...byRoute.multiExec },
      };
      const sum = (field: keyof RouteStats) => ROUTES.reduce((total, route) => total + copy[route][field], 0);
      return {
        requests: sum('requests'),
        commands: sum('commands'),
        failures: sum('failures'),
        byRoute: copy,
        unauthorized,
        since,
      };
    },
    reset() {
      byRoute = { single: emptyRoute(), pipeline: emptyRoute(), multiExec: emptyRoute() };
      unauthorized = 0;
      since = now();
    },
  };
}

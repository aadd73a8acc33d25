// The HTTP simulator: two regions (US and EU ports), each with its own workspace and token.

import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {AddressInfo} from 'node:net';
import {understand} from './dialect.js';
import {createFaultPicker, createRateLimiter} from './faults.js';
import {type Answer, admit, errorBody, type Region} from './gate.js';
import {idFor} from './random.js';
import {respondTo} from './routes.js';
import {createStats, type Stats} from './stats.js';
import {bend, DEFAULT_SWITCHES, mergeSwitches, type Switches, type SwitchInput} from './switches.js';
import {type ApiError, isApiError, type Workspace} from './types.js';
import {vary} from './variants.js';
import {createWorkspace} from './workspace.js';

export interface SimulatorOptions extends SwitchInput {
  /** US port; 0 picks a free one. */
  port?: number;
  /** EU port; 0 (the default) picks a free one. */
  euPort?: number;
  host?: string;
  seed?: number;
  scale?: number;
  anchor?: string;
  now?: () => number;
  token?: string;
  euToken?: string;
}

export interface Simulator {
  url: string;
  euUrl: string;
  token: string;
  euToken: string;
  workspace: Workspace;
  euWorkspace: Workspace;
  configure(partial: SwitchInput): void;
  stats(): Stats;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const now = options.now ?? Date.now;
  const workspaceOptions = {
    scale: options.scale ?? 1,
    anchor: options.anchor ?? Math.floor(now() / 3_600_000) * 3_600_000,
    now,
  };
  const us: Region = {
    workspace: createWorkspace({...workspaceOptions, seed, region: 'us'}),
    token: options.token ?? `sgp_sim_us_${idFor(seed, 'token', 'us', 32)}`,
  };
  const eu: Region = {
    workspace: createWorkspace({...workspaceOptions, seed: seed + 1_000_003, region: 'eu'}),
    token: options.euToken ?? `sgp_sim_eu_${idFor(seed, 'token', 'eu', 32)}`,
  };
  let switches: Switches = mergeSwitches(DEFAULT_SWITCHES, options);
  const faults = createFaultPicker(seed);
  const stats = createStats();
  const limiter = createRateLimiter(Date.now, () => stats.windowOpened());
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  function handle(region: Region, req: IncomingMessage, res: ServerResponse): void {
    const run = () => {
      try {
        serve(region, req, res);
      } catch (error) {
        // A simulator bug must show up as a 500 in the test, not kill the server.
        process.stderr.write(`simulator: ${error instanceof Error ? error.stack : String(error)}\n`);
        if (!res.headersSent) res.writeHead(500, {'Content-Type': 'application/json'});
        res.end(errorBody('server', 'Internal error'));
      }
    };
    if (switches.latencyMs > 0) later(switches.latencyMs, run);
    else run();
  }

  function serve(region: Region, req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const send = ({status, body, headers = {}, contentType = 'application/json'}: Answer) => {
      stats.record(path, status);
      res.writeHead(status, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(body),
        ...headers,
      });
      res.end(body);
    };
    const admitted = admit({switches, limiter, stats}, region, req, path);
    if ('status' in admitted) {
      send(admitted);
      return;
    }
    const {match, contentType, headers} = admitted;
    const fault = faults.next(switches.faults);
    if (fault) stats.faultInjected();
    if (fault === 'reset') {
      stats.record(path, 'reset');
      req.socket.destroy();
      return;
    }
    if (fault === '500' || fault === '502' || fault === '503' || fault === '504') {
      send({status: Number(fault), body: errorBody('server', 'Internal error'), headers});
      return;
    }
    const fail = (error: ApiError) => {
      const extra = error.field === undefined ? {} : {field: error.field};
      send({status: error.status, body: errorBody(error.type, error.message, extra), headers});
    };
    const query = understand(url.searchParams, switches);
    if (isApiError(query)) {
      fail(query);
      return;
    }
    const result = respondTo(match, region.workspace, query, region.workspace.now());
    if (isApiError(result)) {
      fail(result);
      return;
    }
    const cursor = query.get('pagination.cursor');
    const varied = vary(result.data, result.listing.key, path, query, region.workspace, switches);
    const body = JSON.stringify({data: bend(varied, result.listing.key, path, cursor, switches)});
    if (fault === 'truncate') {
      stats.record(path, 'truncate');
      // No Content-Length: the body is chunked, so the client sees a cut-off stream, not a short one.
      res.writeHead(200, {'Content-Type': contentType, ...headers});
      res.write(body.slice(0, Math.floor(body.length / 2)), () => res.destroy());
      return;
    }
    if (fault === 'slow') {
      stats.record(path, 200);
      res.writeHead(200, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(body),
        ...headers,
      });
      res.flushHeaders();
      later(switches.slowMs, () => res.end(body));
      return;
    }
    send({status: 200, body, headers, contentType});
  }

  const listen = (region: Region, port: number) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((req, res) => handle(region, req, res));
      server.keepAliveTimeout = 30_000;
      server.once('error', reject);
      server.listen(port, options.host ?? '127.0.0.1', () => resolve(server));
    });
  const usServer = await listen(us, options.port ?? 0);
  const euServer = await listen(eu, options.euPort ?? 0);
  const urlOf = (server: Server) =>
    `http://${options.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  return {
    url: urlOf(usServer),
    euUrl: urlOf(euServer),
    token: us.token,
    euToken: eu.token,
    workspace: us.workspace,
    euWorkspace: eu.workspace,
    configure(partial) {
      switches = mergeSwitches(switches, partial);
      if ('faults' in partial) faults.reset();
      if ('rateLimit' in partial || 'endpointLimits' in partial) limiter.reset();
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(
        [usServer, euServer].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

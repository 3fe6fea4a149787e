import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback in front of a real server (PostgreSQL), for fault tests: it forwards,
 * stalls, slows down or drops the traffic on command, like a network or a server in trouble.
 */
export interface TcpProxy {
  /** The loopback port the proxy listens on. */
  readonly port: number;
  /** `url` (a PostgreSQL or Redis URL) with its host and port replaced by the proxy's. */
  urlThrough(url: string): string;
  /** True while a `cutAtChunk` waits for its chunk. */
  readonly armed: boolean;
  /** Connections open through the proxy now. */
  readonly connections: number;
  /**
   * Forwards nothing either way, and new connections are accepted but hang, until `resume`: a
   * stalled network or a frozen server. Nothing is lost: held bytes go on at `resume`.
   */
  pause(): void;
  /** Every chunk waits `ms` before it goes on, in order: a slow network or an overloaded server. */
  delay(ms: number): void;
  /** Forwards again at once, held bytes first. */
  resume(): void;
  /** Drops every connection and refuses new ones (nothing listens any more): a server that went away. */
  cut(): Promise<void>;
  /**
   * Cuts (as `cut` does) when the `n`-th chunk the clients send from now on arrives: before it is
   * forwarded, or right after it was (`deliver`), so that the server executes the last command but
   * its answer is lost. Resolves once it has cut.
   */
  cutAtChunk(n: number, options?: { readonly deliver?: boolean }): Promise<void>;
  /** Listens again on the same port after `cut`, forwarding without delay. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Pipe {
  /** From a client towards the server. */
  readonly upstream: boolean;
  readonly from: Socket;
  readonly to: Socket;
  held: Buffer[];
  releaseAt: number;
}

/**
 * Starts a proxy on a random loopback port that forwards to `target`.
 *
 * @example
 * const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
 * const database = connectPostgres(proxy.urlThrough(db.url));
 * proxy.pause(); // queries now hang until their timeout
 */
export async function startTcpProxy(target: { readonly host: string; readonly port: number }): Promise<TcpProxy> {
  let paused = false;
  let delayMs = 0;
  const pipes = new Set<Pipe>();
  const sockets = new Set<Socket>();
  let tripwire: { remaining: number; deliver: boolean; cut: () => void } | undefined;

  const send = (pipe: Pipe, chunk: Buffer) => {
    if (!pipe.to.destroyed) pipe.to.write(chunk);
  };
  const forward = (pipe: Pipe, chunk: Buffer) => {
    if (pipe.upstream && tripwire && --tripwire.remaining === 0) {
      const { deliver, cut } = tripwire;
      tripwire = undefined;
      if (!deliver) return cut();
      return void pipe.to.write(chunk, () => cut());
    }
    if (paused) return void pipe.held.push(chunk);
    if (delayMs === 0 && pipe.releaseAt <= Date.now()) return send(pipe, chunk);
    // Never before an earlier chunk: timers that expire together fire in the order they were set.
    pipe.releaseAt = Math.max(Date.now() + delayMs, pipe.releaseAt);
    setTimeout(() => send(pipe, chunk), pipe.releaseAt - Date.now());
  };
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };

  const onConnection = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    const both = [client, upstream];
    const up: Pipe = { upstream: true, from: client, to: upstream, held: [], releaseAt: 0 };
    const down: Pipe = { upstream: false, from: upstream, to: client, held: [], releaseAt: 0 };
    for (const pipe of [up, down]) {
      pipes.add(pipe);
      pipe.from.on('data', (chunk: Buffer) => forward(pipe, chunk));
    }
    // Either side failing or closing ends both, as a real connection would.
    const end = () => {
      pipes.delete(up);
      pipes.delete(down);
      for (const socket of both) socket.destroy();
    };
    for (const socket of both) {
      socket.on('error', end);
      socket.on('close', end);
    }
  };

  let server: Server = createServer(onConnection);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;

  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
    pipes.clear();
  };
  const stopListening = async () => {
    if (!server.listening) return;
    const closed = once(server, 'close');
    server.close();
    dropAll();
    await closed;
  };

  return {
    port,
    urlThrough(url) {
      const through = new URL(url);
      through.hostname = '127.0.0.1';
      through.port = String(port);
      return through.href;
    },
    get armed() {
      return tripwire !== undefined;
    },
    get connections() {
      return pipes.size / 2;
    },
    pause() {
      paused = true;
    },
    delay(ms) {
      delayMs = ms;
    },
    resume() {
      paused = false;
      delayMs = 0;
      for (const pipe of pipes) for (const chunk of pipe.held.splice(0)) send(pipe, chunk);
    },
    async cut() {
      await stopListening();
    },
    cutAtChunk(n, options = {}) {
      return new Promise<void>((resolve, reject) => {
        tripwire = { remaining: n, deliver: options.deliver ?? false, cut: () => void stopListening().then(resolve, reject) };
      });
    },
    async restore() {
      tripwire = undefined;
      paused = false;
      delayMs = 0;
      if (server.listening) return;
      server = createServer(onConnection);
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      await stopListening();
    },
  };
}

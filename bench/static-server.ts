/** The benchmark serves out/ with the same server as `npm start`, on a free port of the loopback. */
import { startStaticServer } from '../scripts/serve';

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

export function serveStatic(root: string): Promise<StaticServer> {
  return startStaticServer({ dir: root, port: 0, host: '127.0.0.1' });
}

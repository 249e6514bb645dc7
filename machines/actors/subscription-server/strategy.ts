/**
 * The consumer strategies: how the server picks the client for each message it pushes.
 *
 * - Round robin (KurrentDB's default) keeps a queue of connected clients and gives each message to
 *   the first one in it with room, moving every client it tries to the back. Two events of one
 *   order can so be in flight at two clients at once, and either may finish first.
 * - Pinned hashes the event's stream name into one of 1024 buckets. A bucket no client holds goes
 *   to the connected client holding the fewest; a bucket stays with its client while that client
 *   is connected, and a message whose client is full waits (it is not given to another). When a
 *   client disconnects its buckets are up for grabs; when one connects, clients holding more than
 *   their share hand it buckets, those with the fewest messages in flight first. So one stream
 *   goes to one client only while nobody joins or leaves: "best effort", as the docs say.
 *
 * KurrentDB hashes with its own xxHash variant; the lab uses 32-bit FNV-1a, so the bucket numbers
 * differ from a real server's, while the rules that place them are the same.
 */
import type { RecordedEvent } from '../event-store';

export const PINNED_BUCKETS = 1024;

export interface PinnedNode {
  /** One connection of a client: a client that reconnects is a new node. */
  id: string;
  client: string;
  connected: boolean;
  /** Buckets assigned to it (or left on it while it was disconnected). */
  assignments: number;
}

export interface BucketAssignment {
  node: string;
  state: 'assigned' | 'disconnected';
}

export interface PinnedState {
  nodes: PinnedNode[];
  /** Bucket number → who holds it; a bucket never used is absent. */
  buckets: Record<number, BucketAssignment>;
}

export const nodeId = (client: string, connection: number) => `${client}#${connection}`;

export function freshPinnedState(clients: readonly string[]): PinnedState {
  return { nodes: clients.map((client) => ({ id: nodeId(client, 1), client, connected: true, assignments: 0 })), buckets: {} };
}

/** 32-bit FNV-1a over the stream name's UTF-16 code units. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function bucketOf(event: Pick<RecordedEvent, 'stream'>): number {
  return fnv1a(event.stream) % PINNED_BUCKETS;
}

function clone(state: PinnedState): PinnedState {
  return { nodes: state.nodes.map((n) => ({ ...n })), buckets: Object.fromEntries(Object.entries(state.buckets).map(([b, a]) => [b, { ...a }])) };
}

function assign(state: PinnedState, bucket: number, node: string): void {
  const previous = state.buckets[bucket];
  if (previous) {
    const old = state.nodes.find((n) => n.id === previous.node);
    if (old) old.assignments -= 1;
  }
  state.buckets[bucket] = { node, state: 'assigned' };
  state.nodes.find((n) => n.id === node)!.assignments += 1;
}

/** Drops disconnected nodes that hold no bucket any more. */
function clean(state: PinnedState): void {
  state.nodes = state.nodes.filter((n) => n.connected || n.assignments > 0);
}

/** The connected node holding the fewest buckets (the earliest on a tie); null with nobody connected. */
function leastAssigned(state: PinnedState): PinnedNode | null {
  let best: PinnedNode | null = null;
  for (const node of state.nodes) if (node.connected && (best === null || node.assignments < best.assignments)) best = node;
  return best;
}

/** A client's connection closed: its buckets are no longer anybody's. */
export function pinnedDisconnect(previous: PinnedState, client: string): { state: PinnedState; released: number[] } {
  const state = clone(previous);
  const released: number[] = [];
  for (const node of state.nodes.filter((n) => n.client === client && n.connected)) {
    node.connected = false;
    for (const [bucket, assignment] of Object.entries(state.buckets)) {
      if (assignment.node === node.id && assignment.state === 'assigned') {
        assignment.state = 'disconnected';
        released.push(Number(bucket));
      }
    }
  }
  return { state, released };
}

/**
 * A client connected (again): a new node, and buckets handed over from clients holding more than
 * their share (ceil(assigned / connected)), those with the fewest messages in flight first.
 */
export function pinnedConnect(
  previous: PinnedState,
  client: string,
  connection: number,
  inFlightIn: (bucket: number) => number,
): { state: PinnedState; moved: number[] } {
  const state = clone(previous);
  const id = nodeId(client, connection);
  state.nodes.push({ id, client, connected: true, assignments: 0 });
  const connected = state.nodes.filter((n) => n.connected).length;
  const assigned = Object.values(state.buckets).filter((a) => a.state === 'assigned').length;
  const share = Math.ceil(assigned / connected);
  const moved: number[] = [];
  for (const node of state.nodes) {
    if (node.id === id || !node.connected || node.assignments <= share) continue;
    const own = Object.entries(state.buckets)
      .filter(([, a]) => a.node === node.id && a.state === 'assigned')
      .map(([b]) => Number(b))
      .sort((a, b) => inFlightIn(a) - inFlightIn(b) || a - b);
    moved.push(...own.slice(0, node.assignments - share));
  }
  for (const bucket of moved) assign(state, bucket, id);
  clean(state);
  return { state, moved };
}

/** The client a pinned message goes to, assigning its bucket first if nobody holds it. */
export function pinnedClientFor(previous: PinnedState, event: RecordedEvent): { state: PinnedState; client: string | null; bucket: number; assigned: boolean } {
  const bucket = bucketOf(event);
  const held = previous.buckets[bucket];
  if (held?.state === 'assigned') return { state: previous, client: previous.nodes.find((n) => n.id === held.node)!.client, bucket, assigned: false };
  const state = clone(previous);
  const node = leastAssigned(state);
  if (!node) return { state: previous, client: null, bucket, assigned: false };
  assign(state, bucket, node.id);
  return { state, client: node.client, bucket, assigned: true };
}

/** Which client holds a bucket now, for captions and the admin view. */
export function bucketHolder(state: PinnedState, bucket: number): string | null {
  const held = state.buckets[bucket];
  return held?.state === 'assigned' ? (state.nodes.find((n) => n.id === held.node)?.client ?? null) : null;
}

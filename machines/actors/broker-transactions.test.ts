import { describe, expect, it } from 'vitest';
import type { TraceEntry } from '../kernel/types';
import type { TraceSink } from '../kernel/traced-database';
import { Broker } from './broker';

function sinkFor(actor: string, trace: Omit<TraceEntry, 'seq' | 'step' | 't'>[]): TraceSink {
  return { actor, armed: () => undefined, inEffect: () => undefined, emit: (e) => trace.push(e), strike: () => {}, markMutation: () => {}, lockRefused: () => {} };
}

const shipment = (orderId: number) => ({ topic: 'shipments', key: String(orderId), eventId: `shp-${orderId}`, eventType: 'ShipmentRequested', orderId });

describe('broker transactions', () => {
  const setup = () => {
    const trace: Omit<TraceEntry, 'seq' | 'step' | 't'>[] = [];
    const broker = new Broker();
    const port = broker.port(sinkFor('processor', trace), 0);
    return { broker, port, trace };
  };
  const ids = (messages: { eventId: string }[]) => messages.map((m) => m.eventId);

  it('hides an open transaction from read_committed (last stable offset) and shows it to read_uncommitted', () => {
    const { port } = setup();
    const { producer } = port.initTransactions('t');
    port.beginTransaction(producer);
    port.sendInTransaction(producer, shipment(1));
    expect(port.fetch('g', 'shipments', [0, 0], 10, 'read_committed')).toEqual([]);
    expect(ids(port.fetch('g', 'shipments', [0, 0], 10, 'read_uncommitted'))).toEqual(['shp-1']);
  });

  it('leaves aborted records in the log, invisible to read_committed, visible to read_uncommitted', () => {
    const { broker, port } = setup();
    const { producer } = port.initTransactions('t');
    port.beginTransaction(producer);
    port.sendInTransaction(producer, shipment(1));
    port.abortTransaction(producer);
    port.beginTransaction(producer);
    port.sendInTransaction(producer, shipment(1));
    port.commitTransaction(producer);
    const log = broker.messages().filter((m) => m.topic === 'shipments');
    expect(log.map((m) => [m.offset, m.control ?? m.transaction?.state])).toEqual([
      [0, 'aborted'],
      [1, 'abort'],
      [2, 'committed'],
      [3, 'commit'],
    ]);
    expect(port.fetch('g', 'shipments', [0, 0], 10, 'read_committed').map((m) => m.offset)).toEqual([2]);
    expect(port.fetch('g', 'shipments', [0, 0], 10, 'read_uncommitted').map((m) => m.offset)).toEqual([0, 2]);
  });

  it('commits the sent offsets with the output, atomically, and drops them on abort', () => {
    const { port } = setup();
    const { producer } = port.initTransactions('t');
    port.beginTransaction(producer);
    port.sendInTransaction(producer, shipment(1));
    port.sendOffsetsToTransaction(producer, 'proc', 'orders', { 0: 1 });
    expect(port.committedOffsets('proc', 'orders')).toEqual([0, 0]);
    port.abortTransaction(producer);
    expect(port.committedOffsets('proc', 'orders')).toEqual([0, 0]);
    port.beginTransaction(producer);
    port.sendInTransaction(producer, shipment(1));
    port.sendOffsetsToTransaction(producer, 'proc', 'orders', { 0: 1 });
    expect(port.fetch('g', 'shipments', [0, 0], 10, 'read_committed')).toEqual([]);
    port.commitTransaction(producer);
    expect(port.committedOffsets('proc', 'orders')).toEqual([1, 0]);
    expect(port.fetch('g', 'shipments', [0, 0], 10, 'read_committed')).toHaveLength(1);
  });

  it('fences a zombie: a second InitProducerId bumps the epoch, aborts the open transaction and refuses the old epoch', () => {
    const { broker, port, trace } = setup();
    const zombie = port.initTransactions('t').producer;
    port.beginTransaction(zombie);
    port.sendInTransaction(zombie, shipment(1));
    port.sendOffsetsToTransaction(zombie, 'proc', 'orders', { 0: 1 });
    const { producer, aborted } = port.initTransactions('t');
    expect([producer.producerId, producer.epoch, aborted]).toEqual([zombie.producerId, zombie.epoch + 1, 't#1']);
    expect(port.commitTransaction(zombie)).toEqual({ ok: false, error: expect.stringMatching(/ProducerFenced/) });
    expect(port.sendInTransaction(zombie, shipment(1)).ok).toBe(false);
    expect(trace.at(-1)!.label).toMatch(/ProducerFencedException/);
    expect(port.committedOffsets('proc', 'orders')).toEqual([0, 0]);
    expect(broker.messages().map((m) => m.control ?? m.transaction?.state)).toEqual(['aborted', 'abort']);
  });

  it('leaves fetches without an isolation level as they were: every record', () => {
    const { port } = setup();
    port.publish(shipment(1));
    expect(ids(port.fetch('g', 'shipments', [0, 0], 10))).toEqual(['shp-1']);
    expect(ids(port.fetch('g', 'shipments', [0, 0], 10, 'read_committed'))).toEqual(['shp-1']);
  });
});

/**
 * Participants most patterns share, declared once. A pattern's info lists its own, spreading one
 * of these and overriding a label or a flow position where its story needs it.
 */
import type { Participant } from '../kernel/types';

export const client: Participant = { id: 'client', label: 'Client', kind: 'client', process: true };
export const service: Participant = { id: 'service', label: 'Order service', kind: 'service', process: true };
export const postgres: Participant = { id: 'postgres', label: 'Postgres', kind: 'database', process: false };
export const relay: Participant = { id: 'relay', label: 'Outbox relay', kind: 'relay', process: true };
export const broker: Participant = { id: 'broker', label: 'Broker', kind: 'broker', process: false };
export const consumer: Participant = { id: 'consumer', label: 'Shipping consumer', kind: 'consumer', process: true };

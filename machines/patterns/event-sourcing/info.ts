/** event-sourcing as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { client, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'event-sourcing',
  title: 'Event sourcing',
  promise: 'Append the event, the one and only write; the read model and shipping follow the log.',
  // Even the default shipping subscriber stores its checkpoint after the effect, so it can apply twice.
  worstAnomaly: 'duplicate-effect',
  participants: [
    { ...client, at: { col: 0, row: 0 } },
    { ...service, at: { col: 1, row: 0 } },
    { id: 'service-2', label: 'Order service 2', kind: 'service', process: true, at: { col: 2, row: 0 } },
    { id: 'event-store', label: 'Event store', kind: 'event-store', process: false, at: { col: 1, row: 1 } },
    { id: 'projector', label: 'Projector', kind: 'consumer', process: true, at: { col: 2, row: 1 } },
    { id: 'consumer', label: 'Shipping subscriber', kind: 'consumer', process: true, at: { col: 1, row: 2 } },
    { ...postgres, at: { col: 2, row: 2 } },
    // Runs in the rebuild variant only.
    { id: 'operator', label: 'Operator', kind: 'client', process: true, at: { col: 0, row: 1 } },
  ],
  variants: [
    {
      id: 'default',
      label: 'Checkpoint with the effect',
      worstAnomaly: 'duplicate-effect',
      summary:
        'Services fold the stream, decide and append with the revision they read; a conflict means read again. The projector commits the read model and its checkpoint together; shipping stores its checkpoint after the effect.',
    },
    {
      id: 'checkpoint-after',
      label: 'Projector checkpoint after the effect',
      worstAnomaly: 'duplicate-effect',
      summary: 'The projector stores its checkpoint in a second transaction. A crash between the two applies an event again: the read model runs ahead of the log.',
    },
    {
      id: 'rebuild',
      label: 'Rebuild the projection',
      worstAnomaly: 'duplicate-effect',
      summary: 'After the commands an operator starts a new projection version: the read model is emptied and the projector replays the whole log from position 0.',
    },
  ],
  hasConsumer: true,
  order: 100,
  faultTargets: {
    client: ['send-order'],
    service: ['read-stream', 'append', 'reply', 'restart'],
    'service-2': ['read-stream', 'append', 'reply', 'restart'],
    projector: ['load-checkpoint', 'read', 'apply', 'save-checkpoint', 'restart'],
    consumer: ['load-checkpoint', 'read', 'apply', 'save-checkpoint', 'restart'],
    operator: ['rebuild-projection'],
  },
};

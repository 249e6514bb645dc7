/** after-commit-listener as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'after-commit-listener',
  title: 'Publish from an after-commit listener',
  promise: 'Send the event only once the commit succeeded; a rollback sends nothing, a crash still loses it.',
  worstAnomaly: 'lost-event',
  participants: [client, service, postgres, { id: 'listener', label: 'After-commit listener', kind: 'listener', process: true }, broker, consumer],
  variants: [
    {
      id: 'default',
      label: 'In-memory listener',
      worstAnomaly: 'lost-event',
      summary: 'The commit hands OrderPlaced to an in-process listener, which publishes it. Nothing is stored.',
    },
    {
      id: 'registry',
      label: 'Publication registry',
      worstAnomaly: 'lost-event',
      summary: 'A publication row is committed with the order, marked completed after the send, and republished on restart if incomplete.',
    },
  ],
  hasConsumer: true,
  order: 50,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    listener: ['send', 'complete-publication', 'republish-incomplete', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};

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
    {
      id: 'registry-delete',
      label: 'Registry, completion mode DELETE',
      worstAnomaly: 'lost-event',
      summary: 'The registry as above, but a completed publication is deleted (Spring Modulith 1.3+ completion mode DELETE; UPDATE is the default): the table stays small and keeps no record of what was sent.',
    },
    {
      id: 'registry-archive',
      label: 'Registry, completion mode ARCHIVE',
      worstAnomaly: 'lost-event',
      summary: 'The registry as above, but a completed publication moves to event_publication_archive in one statement (completion mode ARCHIVE): the registry stays small, the archive grows.',
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

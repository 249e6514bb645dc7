/** after-commit-listener as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'after-commit-listener',
  title: 'Publish from an after-commit listener',
  promise: 'Send the event only once the commit succeeded; a rollback sends nothing, a crash still loses it.',
  worstAnomaly: 'lost-event',
  participants: [
    client,
    service,
    postgres,
    { id: 'listener', label: 'After-commit listener', kind: 'listener', process: true },
    // Only the scheduled variants run these (a run shows only the participants it has).
    { id: 'scheduler', label: 'Resubmission scheduler', kind: 'relay', process: true, at: { col: 2, row: 1 } },
    { id: 'scheduler-2', label: 'Scheduler, instance 2', kind: 'relay', process: true, at: { col: 2, row: 2 } },
    broker,
    consumer,
  ],
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
      summary: 'A publication row is committed with the order, marked completed after the send, and republished on restart if incomplete: Spring Modulith\'s republish-outstanding-events-on-restart, off by default and not recommended with several instances. Without a restart, a failed send stays unsent.',
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
    {
      id: 'resubmit',
      label: 'Registry, scheduled resubmission',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The registry as Spring Modulith recommends running it: republish-outstanding-events-on-restart stays off (its default), and a scheduler in the service resubmits publications still incomplete after a threshold (IncompleteEventPublications; 500 ms here, every second; an application picks both, usually minutes). A crash or a failed send is repaired without a restart; a send whose acknowledgement is lost is sent again, so the event arrives twice.',
    },
    {
      id: 'two-instances',
      label: 'Registry, two instances resubmitting',
      worstAnomaly: 'duplicate-effect',
      summary:
        'As scheduled resubmission, with a second instance of the service running the same scheduler on the same table. Nothing coordinates the two: when both find one stale publication, both send it. Spring Modulith 2.0 adds publication states and a staleness monitor for this; the lab shows the registry without them.',
    },
  ],
  hasConsumer: true,
  order: 50,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    listener: ['send', 'complete-publication', 'republish-incomplete', 'restart'],
    scheduler: ['resubmit', 'send', 'complete-publication', 'restart'],
    'scheduler-2': ['resubmit', 'send', 'complete-publication', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};

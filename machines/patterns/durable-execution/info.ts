/** durable-execution as the pages show it before anything runs: plain data, no statecharts, no PGlite. */
import type { PatternInfo } from '../../kernel/pattern-info';
import { broker, client, consumer, postgres, service } from '../participants';

export const info: PatternInfo = {
  id: 'durable-execution',
  title: 'Durable execution',
  promise: 'A workflow engine checkpoints each step in Postgres; after a crash it resumes from the last checkpoint.',
  // A crash after the publish and before its checkpoint re-runs the publish step.
  worstAnomaly: 'duplicate-effect',
  participants: [
    client,
    service,
    postgres,
    { id: 'workflow', label: 'Workflow executor', kind: 'relay', process: true },
    broker,
    consumer,
  ],
  variants: [
    {
      id: 'default',
      label: 'Transactional step',
      worstAnomaly: 'duplicate-effect',
      summary:
        'The service starts a workflow: a workflow_status row, PENDING, with its inputs. Step 1 is a transactional step, as in DBOS: the order and the step\'s row in operation_outputs commit in one transaction. Step 2 publishes OrderPlaced, then checkpoints its output in its own transaction; a crash in between re-runs the publish on recovery, at least once. Its event id is the workflow id and step number, so an idempotent consumer drops the repeat. Real DBOS recovers PENDING workflows when the executor restarts and retries a step up to 3 times by default when asked; the lab recovers by polling every 0.5 s and runs a failed step again at its next poll, without limit.',
    },
    {
      id: 'no-transactional-step',
      label: 'Step 1 not transactional',
      worstAnomaly: 'lost-event',
      summary:
        'Step 1 is an ordinary step: the order commits in one transaction and its output in the next. A crash between the two, or a commit whose answer is lost, leaves an order with no checkpoint, so recovery runs step 1 again; the insert hits the order\'s primary key, the step fails for good and the workflow ends in ERROR, its event never published. Real DBOS marks a workflow whose step throws ERROR and leaves it for an operator to see; the lab does the same and the order stays without its event.',
    },
  ],
  hasConsumer: true,
  // After the articles' patterns, before job-queue and inbox.
  order: 140,
  faultTargets: {
    client: ['send-order'],
    service: ['write-order', 'restart'],
    workflow: ['recover', 'order-step', 'checkpoint-order', 'publish-step', 'checkpoint', 'finish', 'restart'],
    consumer: ['fetch', 'apply', 'commit-offset', 'restart'],
  },
};

import { describe, expect, it } from 'vitest';
import { lab } from '../testing/lab-driver';
import { useLabPostgres } from '../testing/postgres';
import type { ArmedFault } from './types';
import { unstruckFaults, whyNotStruck } from './unstruck';

const postgres = useLabPostgres();

describe('what a step lists, and why an armed fault did not strike', () => {
  // With the column renamed, the consumer finds no amount and skips the change: nothing commits.
  const renamed = () => lab(postgres.db, 'cdc-table').variant('renamed-column').seed(1000);

  it('lists a kind only where the operation reached the place it takes effect', async () => {
    const { steps } = await renamed().run();
    const kindsAt = (point: string) => steps.find((s) => s.point === point)?.faultKinds;
    expect(kindsAt('consumer.apply:2')).toEqual(['crash']);
    // The same operation on a deletion it can apply commits, so there commit-unknown is listed.
    expect(kindsAt('consumer.apply:4')).toEqual(['crash', 'commit-unknown']);
  });

  it('says the step there gives the kind nothing to strike, and what it would need', async () => {
    const fault: ArmedFault = { kind: 'commit-unknown', at: 'consumer.apply:2' };
    const result = await renamed().fault(fault.kind, fault.at).run();
    const reason = whyNotStruck(result.steps, fault, result.scenario.faults);
    expect(reason?.kind).toBe('cannot-strike');
    expect(reason?.text).toMatch(/^at consumer\.apply:2 \(step \d+\) the consumer finds no after\.amount_cents .* skips the change, so commit-unknown has nothing to strike: it needs a step that commits a write$/);
  });

  it('says how often the operation happens when the point never comes, and what struck before', async () => {
    const alone = await lab(postgres.db, 'outbox-polling').crash('relay.mark:5').run();
    const [missed] = unstruckFaults(alone.steps, alone.scenario.faults);
    expect(missed?.reason.kind).toBe('never-reached');
    expect(missed?.reason.text).toMatch(/^relay\.mark happens only 2 times in this run \(the last at step \d+\), so relay\.mark:5 never comes$/);

    const after = await lab(postgres.db, 'outbox-polling').crash('relay.poll:1').crash('relay.mark:9').run();
    expect(unstruckFaults(after.steps, after.scenario.faults).map((u) => u.reason.text)).toEqual([
      expect.stringMatching(/never comes; crash@relay\.poll:1 struck at step \d+ and changed what came after$/),
    ]);
  });

  it('names the fault that took effect first only when it was armed and struck there', async () => {
    const result = await lab(postgres.db, 'outbox-polling').crash('relay.mark:1').fault('commit-unknown', 'relay.mark:1').run();
    const reasons = unstruckFaults(result.steps, result.scenario.faults);
    expect(reasons.map((u) => [u.fault.kind, u.reason.kind])).toEqual([['commit-unknown', 'preempted']]);
    expect(reasons[0]!.reason.text).toMatch(/^another fault took effect there first: crash@relay\.mark:1 struck at step \d+$/);
  });

  it('tells a fault that had its chance but lost to one armed before it at the same point', async () => {
    // The service's third append repeats one the store already has: it writes nothing, so a
    // lost ack has nothing to strike, yet as the first fault armed there it is the one applied.
    const result = await lab(postgres.db, 'event-sourcing')
      .fault('publish-timeout-stored', 'service.append:3')
      .fault('broker-unavailable', 'service.append:3')
      .run();
    const reasons = unstruckFaults(result.steps, result.scenario.faults);
    expect(reasons.map((u) => [u.fault.kind, u.reason.kind])).toEqual([
      ['publish-timeout-stored', 'cannot-strike'],
      ['broker-unavailable', 'shadowed'],
    ]);
    expect(reasons[0]!.reason.text).toMatch(/it needs a step that stores a new message or event$/);
    expect(reasons[1]!.reason.text).toBe('publish-timeout-stored@service.append:3 is armed at the same point and comes first in the list: a step applies one fault');
  });

  it('has nothing to say about a fault that struck', async () => {
    const result = await lab(postgres.db, 'outbox-polling').fault('commit-unknown', 'relay.mark:1').run();
    expect(whyNotStruck(result.steps, { kind: 'commit-unknown', at: 'relay.mark:1' }, result.scenario.faults)).toBeNull();
    expect(unstruckFaults(result.steps, result.scenario.faults)).toEqual([]);
  });
});

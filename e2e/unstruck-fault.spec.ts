import { expect } from '@playwright/test';
import { openLab, warmLabTest as test } from './helpers';

test.describe('an armed fault that does not strike', () => {
  test('its chip says why: the step there commits nothing for commit-unknown to strike', async ({ page }) => {
    await openLab(page, '/patterns/cdc-table/?variant=renamed-column&seed=1000&faults=commit-unknown@consumer.apply:2');
    const reason = page.getByTestId('unstruck-commit-unknown@consumer.apply:2');
    await expect(reason).toContainText('skips the change, so commit-unknown has nothing to strike: it needs a step that commits a write');
  });

  test('its chip says how often the operation happens when the point never comes', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:5');
    await expect(page.getByTestId('unstruck-crash@relay.mark:5')).toContainText('relay.mark happens only 2 times in this run');
  });

  test('a fault that struck has no such note', async ({ page }) => {
    await openLab(page, '/patterns/outbox-polling/?faults=crash@relay.mark:1');
    await expect(page.getByTestId('armed-crash@relay.mark:1')).toContainText('struck at step');
    await expect(page.getByTestId('unstruck-crash@relay.mark:1')).toHaveCount(0);
  });
});

import { describe, expect, it } from 'vitest';
import { readHostCommand } from './protocol';

describe('embed host commands', () => {
  it('accepts the documented commands', () => {
    expect(readHostCommand({ source: 'dual-write-lab', command: 'play' })).toEqual({ source: 'dual-write-lab', command: 'play' });
    expect(readHostCommand({ source: 'dual-write-lab', command: 'go-to-step', step: 4 })).toMatchObject({ step: 4 });
    expect(readHostCommand({ source: 'dual-write-lab', command: 'ping' })).toEqual({ source: 'dual-write-lab', command: 'ping' });
  });

  it('ignores messages that are not ours', () => {
    expect(readHostCommand('hello')).toBeNull();
    expect(readHostCommand({ type: 'resize' })).toBeNull();
    expect(readHostCommand(null)).toBeNull();
  });

  it('names what is wrong with a malformed command of ours', () => {
    expect(readHostCommand({ source: 'dual-write-lab', command: 'explode' })).toHaveProperty('error');
    const bad = readHostCommand({ source: 'dual-write-lab', command: 'go-to-step', step: -3 });
    expect(bad).toHaveProperty('error');
    expect((bad as { error: string }).error).toMatch(/step/);
    expect(readHostCommand({ source: 'dual-write-lab', command: 'go-to-step', step: 'x' })).toHaveProperty('error');
  });
});

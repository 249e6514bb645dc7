import { describe, expect, it } from 'vitest';
import { readHostCommand } from './host-commands';
import { HOST_COMMANDS } from './protocol';

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
    expect(readHostCommand({ source: 'dual-write-lab', command: 'go-to-step', step: 2.5 })).toEqual({ error: 'unrecognised command (step: must be a whole number)' });
    expect(readHostCommand({ source: 'dual-write-lab', command: 'go-to-step', step: 100_001 })).toEqual({ error: 'unrecognised command (step: must be at most 100000)' });
  });

  it('answers an unknown command with the list of known ones, each of which it accepts', () => {
    const unknown = readHostCommand({ source: 'dual-write-lab', command: 'explode' }) as { error: string };
    expect(unknown.error).toBe(`unrecognised command (command: unknown command; known: ${HOST_COMMANDS.join(', ')})`);
    for (const command of HOST_COMMANDS) {
      const message = { source: 'dual-write-lab', command, ...(command === 'go-to-step' ? { step: 0 } : {}) };
      expect(readHostCommand(message), command).toEqual(message);
    }
  });
});

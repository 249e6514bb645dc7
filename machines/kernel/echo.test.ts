import { describe, expect, it } from 'vitest';
import { ECHO_MAX_CHARS, echo, escapeControls } from './echo';

describe('echo', () => {
  it('quotes a plain value as it is', () => {
    expect(echo('crash@service.publish:1')).toBe('"crash@service.publish:1"');
  });

  it('escapes control characters, quotes and backslashes as JSON does', () => {
    expect(echo('a\nb\u001b[31mc\u0000d"e\\f')).toBe('"a\\nb\\u001b[31mc\\u0000d\\"e\\\\f"');
  });

  it('escapes what JSON leaves alone but can still rearrange a line: C1 controls, separators, bidi overrides', () => {
    expect(echo('\u009b2J\u2028\u202eevil')).toBe('"\\u009b2J\\u2028\\u202eevil"');
  });

  it('cuts a long value with an ellipsis, never inside an escape or a surrogate pair', () => {
    expect(echo('x'.repeat(200))).toBe(`"${'x'.repeat(ECHO_MAX_CHARS)}…"`);
    expect(echo(`${'x'.repeat(ECHO_MAX_CHARS - 3)}\u001b`)).toBe(`"${'x'.repeat(ECHO_MAX_CHARS - 3)}…"`);
    expect(echo('😀'.repeat(100), 5)).toBe(`"${'😀'.repeat(5)}…"`);
  });

  it('leaves quotes alone in unquoted text but still escapes controls', () => {
    expect(escapeControls('Unknown option \'--a\u001bb\'', 100)).toBe("Unknown option '--a\\u001bb'");
  });
});

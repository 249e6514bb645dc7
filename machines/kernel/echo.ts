/**
 * Quoting what someone typed back at them. A value from a link or a command line can be long or
 * carry control characters (an ANSI escape that repaints a terminal, a newline that fakes a second
 * message, a bidi override that reorders the text around it), so every message that repeats one
 * goes through here: the command line's errors and the lab page's list of link problems alike.
 */

export const ECHO_MAX_CHARS = 60;

// C0 and C1 controls, DEL, the line/paragraph separators and the bidi embeddings and isolates.
const CONTROL_CLASS = '[\\u0000-\\u001f\\u007f-\\u009f\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]';
const CONTROL = new RegExp(CONTROL_CLASS);
const CONTROLS = new RegExp(CONTROL_CLASS, 'g');

/**
 * Text from outside shown as plain text on a page (a workshop's title, a note): every control
 * and direction character becomes a space, runs of space one, and it is cut at `max` characters.
 */
export function plainText(text: string, max: number): string {
  const plain = text.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  return [...plain].slice(0, max).join('');
}

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

function escapeChar(char: string): string {
  if (char === '"') return '\\"';
  if (char === '\\') return '\\\\';
  if (!CONTROL.test(char)) return char;
  return SHORT_ESCAPES[char] ?? `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;
}

function escapeAndCut(value: string, max: number, quoted: boolean): string {
  let out = '';
  let length = 0;
  for (const char of value) {
    const escaped = quoted || (char !== '"' && char !== '\\') ? escapeChar(char) : char;
    const width = [...escaped].length;
    if (length + width > max) return `${out}…`;
    out += escaped;
    length += width;
  }
  return out;
}

/**
 * The value in double quotes, escaped as JSON would (`\n`, `\u001b`), cut to at most `max`
 * characters of escaped text with `…` after the cut. Whole characters and whole escapes only: a
 * cut never splits a surrogate pair or leaves half of `\u001b`.
 */
export function echo(value: string, max = ECHO_MAX_CHARS): string {
  return `"${escapeAndCut(value, max, true)}"`;
}

/** The same escaping and cut without quotes, for text with a typed value somewhere inside it (a library's error message). */
export function escapeControls(text: string, max = 240): string {
  return escapeAndCut(text, max, false);
}

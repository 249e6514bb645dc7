/** A connection URL with its password replaced, for messages: a URL is often pasted with one in it. */
export function masked(url: string): string {
  try {
    const copy = new URL(url);
    if (copy.password) copy.password = '***';
    return copy.href;
  } catch {
    return 'the given URL';
  }
}

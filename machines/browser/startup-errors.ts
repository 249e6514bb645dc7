/** Turns the ways Postgres can fail to start in a browser into something a reader can act on. */
export function explainStartupError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/WebAssembly|wasm/i.test(text)) {
    return `This browser could not start Postgres (WebAssembly failed: ${text}). Try a current Chrome, Firefox or Safari.`;
  }
  if (/fetch|network|Failed to load/i.test(text)) {
    return `Postgres could not be downloaded (${text}). Check the connection and try again.`;
  }
  if (/memory/i.test(text)) {
    return `Postgres ran out of memory while starting (${text}). Close other tabs and try again.`;
  }
  return `Postgres could not start: ${text}`;
}

import type { BootState } from './useLabWorker';

/** Booting Postgres takes seconds (WASM download + initdb), so the page says what it is doing. */
export function LoadingPanel({ boot, onRetry }: { boot: BootState; onRetry: () => void }) {
  if (boot.status === 'fatal') {
    return (
      <div role="alert" data-testid="fatal" className="rounded-lg border-2 border-bad bg-surface p-5">
        <h2 className="text-xl font-bold text-bad">
          <span aria-hidden="true">✖ </span>The simulation could not start
        </h2>
        <p className="mt-2">Postgres runs inside this tab; starting it failed with:</p>
        <pre className="mt-2 overflow-x-auto whitespace-pre-wrap rounded bg-surface-2 p-2 font-mono text-sm">{boot.message}</pre>
        <p className="mt-2 text-muted">
          This needs a recent browser with WebAssembly and module workers. Retrying starts a fresh worker.
        </p>
        <button
          type="button"
          onClick={onRetry}
          data-testid="retry"
          className="mt-4 rounded-md bg-accent px-4 py-2 font-semibold text-accent-fg hover:opacity-90"
        >
          Retry
        </button>
      </div>
    );
  }
  const fraction = boot.status === 'booting' ? boot.fraction : 1;
  const message = boot.status === 'booting' ? boot.message : 'Running the scenario…';
  const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
  return (
    <div data-testid="loading" className="rounded-lg border border-line bg-surface p-5" aria-busy="true">
      <p className="text-lg font-semibold" id="loading-label">
        Starting a real Postgres in your browser…
      </p>
      <div
        role="progressbar"
        aria-labelledby="loading-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%: ${message}`}
        className="mt-3 h-3 w-full overflow-hidden rounded-full bg-surface-2"
      >
        <div className="h-full rounded-full bg-accent transition-[width] duration-300" style={{ width: `${percent}%` }} />
      </div>
      <p className="mt-2 text-muted" aria-live="polite">
        {message} <span className="tabular-nums">({percent}%)</span>
      </p>
      <p className="mt-1 text-sm text-muted">The first visit downloads Postgres once (about 6 MB over the network, 16 MB unpacked); later visits reuse it.</p>
    </div>
  );
}

'use client';

import Link from 'next/link';

/** Catches render errors in any page so a broken view never leaves a blank screen. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="mx-auto max-w-3xl px-4 py-12" role="alert">
      <h1 className="text-3xl font-bold">Something in this page broke</h1>
      <p className="mt-3 text-lg text-muted">
        The lab hit an error while drawing the page. Trying again usually works; if it does not, a link without its query
        string (<code className="font-mono">?…</code>) starts from the default scenario.
      </p>
      <pre className="mt-4 overflow-x-auto rounded-md border border-line bg-surface p-3 font-mono text-sm">{error.message}</pre>
      <div className="mt-6 flex flex-wrap gap-3">
        <button
          type="button"
          onClick={reset}
          className="rounded-md bg-accent px-4 py-2 font-semibold text-accent-fg hover:opacity-90"
        >
          Try again
        </button>
        <Link href="/" className="rounded-md border border-line px-4 py-2 hover:bg-surface-2">
          Back to the start page
        </Link>
      </div>
    </div>
  );
}

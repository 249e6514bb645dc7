/** What the static HTML shows before the browser reads the query string and starts the worker. */
export function LabSkeleton({ title }: { title: string }) {
  return (
    <div className="mx-auto max-w-[1600px] space-y-3 px-3 py-4 sm:px-4" data-testid="loading">
      <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
      <div className="rounded-lg border border-line bg-surface p-5">
        <p className="text-lg font-semibold">Loading the lab…</p>
        <div className="mt-3 h-3 w-full animate-pulse rounded-full bg-surface-2" />
      </div>
    </div>
  );
}

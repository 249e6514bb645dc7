/** Says which parts of an opened link were not understood, instead of silently ignoring them. */
export function UrlProblems({ problems, onDismiss }: { problems: string[]; onDismiss: () => void }) {
  if (problems.length === 0) return null;
  return (
    <div role="status" data-testid="url-problems" className="flex flex-wrap items-start gap-3 rounded-lg border-2 border-warn bg-surface p-3">
      <span aria-hidden="true" className="text-xl font-bold text-warn">
        !
      </span>
      <div className="min-w-0 flex-1 basis-64">
        <p className="font-semibold">This link had parts the lab could not use; showing the default for them instead:</p>
        <ul className="mt-1 list-disc pl-5">
          {/* Each value in a problem is quoted, escaped and cut by echo() where the link is parsed. */}
          {problems.map((problem, index) => (
            // A link can repeat the same bad part, so the text alone is not a unique key.
            <li key={`${index}:${problem}`} className="break-words">
              {problem}
            </li>
          ))}
        </ul>
      </div>
      <button
        type="button"
        onClick={onDismiss}
        data-testid="url-problems-dismiss"
        className="rounded-md border border-line px-3 py-1 hover:bg-surface-2"
      >
        Dismiss
      </button>
    </div>
  );
}

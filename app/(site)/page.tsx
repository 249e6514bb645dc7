import Link from 'next/link';
import { tradeOffLine } from '../../machines/compare/summary';
import { PATTERN_CATALOG } from '../../machines/patterns/catalog';
import { PatternCard } from '../../components/home/PatternCard';
import { loadCompareData } from '../../components/compare/load-compare-data';
import { loadLessons } from '../../machines/lessons/load';

export default function HomePage() {
  // The default form's row of the comparison the build computed: the cards' one-line trade-offs.
  const defaults = new Map(loadCompareData().rows.filter((row) => row.variant === 'default').map((row) => [row.pattern, tradeOffLine(row)]));
  const lessonCount = loadLessons().length;
  return (
    <div className="mx-auto max-w-6xl px-4 py-10">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">See the dual write problem happen</h1>
      <p className="mt-4 max-w-3xl text-lg text-muted">
        A service saves an order in Postgres and announces it on a message broker; when one of the two writes fails,
        the systems quietly disagree. Here a real Postgres runs in your browser, you break things at any step, and the
        lab shows what really ended up in the tables and the topics.
      </p>
      <p className="mt-6">
        <Link href="/lessons/" data-testid="lessons-link" className="inline-flex min-h-10 items-center rounded-md border border-accent bg-accent px-4 py-2 font-semibold text-accent-fg hover:opacity-90">
          Start the lessons →
        </Link>
        <span className="ml-3 text-muted">{lessonCount} short lessons: predict what breaks, run it, see why</span>
      </p>
      <p className="mt-3">
        <Link href="/compare/" data-testid="compare-link" className="inline-flex min-h-10 items-center rounded-md border border-accent px-4 py-2 font-semibold text-accent hover:bg-surface-2">
          Compare every pattern side by side →
        </Link>
        <span className="ml-3 text-muted">which faults make each one lose, duplicate or block, and what each costs</span>
      </p>
      <p className="mt-3">
        <Link href="/workshop/" data-testid="workshop-link" className="inline-flex min-h-10 items-center rounded-md border border-line px-4 py-2 font-semibold hover:bg-surface-2">
          Run a workshop →
        </Link>
        <span className="ml-3 text-muted">an agenda of seeded runs in one link, presented large with the outcome revealed on cue</span>
      </p>
      <h2 className="mt-10 text-xl font-semibold">Patterns</h2>
      <p className="mt-1 text-muted">
        Each card&apos;s worst case is the worst thing a single fault can do to the pattern in its default form; where a
        pattern has variants, each is listed with its own.
      </p>
      <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {PATTERN_CATALOG.map((pattern) => (
          <li key={pattern.id}>
            <PatternCard pattern={pattern} tradeOff={defaults.get(pattern.id)} />
          </li>
        ))}
      </ul>
      <p className="mt-10 text-sm text-muted">
        Everything runs locally in this tab. Times shown in the lab are simulated milliseconds.{' '}
        <Link className="underline" href={`/patterns/${PATTERN_CATALOG[0]?.id ?? ''}/`}>
          Start with the first pattern
        </Link>
        .
      </p>
    </div>
  );
}

import Link from 'next/link';
import { PATTERN_CATALOG } from '../../machines/patterns/catalog';
import { PatternCard } from '../../components/home/PatternCard';

export default function HomePage() {
  return (
    <div className="mx-auto max-w-6xl px-4 py-10">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">See the dual write problem happen</h1>
      <p className="mt-4 max-w-3xl text-lg text-muted">
        A service saves an order in Postgres and announces it on a message broker; when one of the two writes fails,
        the systems quietly disagree. Here a real Postgres runs in your browser, you break things at any step, and the
        lab shows what really ended up in the tables and the topics.
      </p>
      <h2 className="mt-10 text-xl font-semibold">Patterns</h2>
      <p className="mt-1 text-muted">
        Each card&apos;s worst case is the worst thing a single fault can do to the pattern in its default form; where a
        pattern has variants, each is listed with its own.
      </p>
      <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {PATTERN_CATALOG.map((pattern) => (
          <li key={pattern.id}>
            <PatternCard pattern={pattern} />
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

import Link from 'next/link';
import { PATTERN_CATALOG } from '../machines/patterns/catalog';
import { SiteHeader } from '../components/ui/SiteHeader';

export default function NotFound() {
  return (
    <>
    <SiteHeader />
    <main id="main" className="mx-auto max-w-3xl px-4 py-12">
      <h1 className="text-3xl font-bold">There is no page here</h1>
      <p className="mt-3 text-lg text-muted">
        The link may be old, or the pattern name misspelt. Pattern pages live at <code className="font-mono">/patterns/&lt;id&gt;/</code>;
        these are the ones that exist:
      </p>
      <ul className="mt-4 space-y-1">
        {PATTERN_CATALOG.map((p) => (
          <li key={p.id}>
            <Link className="underline" href={`/patterns/${p.id}/`}>
              {p.title}
            </Link>{' '}
            <code className="font-mono text-sm text-muted">{p.id}</code>
          </li>
        ))}
      </ul>
      <p className="mt-6">
        <Link className="underline" href="/">
          Back to the start page
        </Link>
      </p>
    </main>
    </>
  );
}

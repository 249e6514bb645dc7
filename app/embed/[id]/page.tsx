import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { findPattern, PATTERN_CATALOG } from '../../../machines/patterns/catalog';
import { LabShell } from '../../../components/lab/LabShell';
import { LabSkeleton } from '../../../components/lab/LabSkeleton';

export const dynamicParams = false;

export function generateStaticParams() {
  return PATTERN_CATALOG.map((pattern) => ({ id: pattern.id }));
}

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: `${findPattern(id)?.title ?? 'Pattern'} (embedded)`, robots: { index: false } };
}

/**
 * The lab without the site around it, for an iframe in someone's documentation. Same query
 * parameters as the lab page; it reports its height to the host (see machines/embed/protocol.ts).
 */
export default async function EmbedPage({ params }: { params: Params }) {
  const { id } = await params;
  const pattern = findPattern(id);
  if (!pattern) notFound();
  return (
    <main id="main">
      <Suspense fallback={<LabSkeleton title={pattern.title} />}>
        <LabShell patternId={pattern.id} embedded />
      </Suspense>
    </main>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { findPattern, PATTERN_CATALOG } from '../../../../machines/patterns/catalog';
import { LabShell } from '../../../../components/lab/LabShell';
import { LabSkeleton } from '../../../../components/lab/LabSkeleton';

export const dynamicParams = false;

export function generateStaticParams() {
  return PATTERN_CATALOG.map((pattern) => ({ id: pattern.id }));
}

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id } = await params;
  return { title: findPattern(id)?.title ?? 'Pattern' };
}

export default async function PatternPage({ params }: { params: Params }) {
  const { id } = await params;
  const pattern = findPattern(id);
  if (!pattern) notFound();
  // The lab reads the scenario from the query string, which a static page only knows in the browser.
  return (
    <Suspense fallback={<LabSkeleton title={pattern.title} />}>
      <LabShell patternId={pattern.id} />
    </Suspense>
  );
}

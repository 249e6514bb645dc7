import type { Metadata } from 'next';
import { Suspense } from 'react';
import { WorkshopPage, type LessonChoice } from '../../../components/workshop/WorkshopPage';
import { loadLessons } from '../../../machines/lessons/load';
import { formatAgendaItem, itemFromFigure } from '../../../machines/workshop/agenda';

export const metadata: Metadata = {
  title: 'Workshop',
  description: 'Assemble a list of seeded runs, share it as one link, and present it to a room: predict, play, then reveal the outcome.',
};

/**
 * The workshop page. The agenda itself lives in the address and is read in the browser; what is
 * known at build time is the lessons' figures, offered here as ready-made agenda items.
 */
export default function Workshop() {
  const lessons: LessonChoice[] = loadLessons().map(({ lesson }) => ({
    slug: lesson.slug,
    title: lesson.frontmatter.title,
    items: lesson.figures.map((figure) => ({ text: formatAgendaItem(itemFromFigure(figure)), caption: figure.caption })),
  }));
  return (
    <Suspense fallback={<div className="mx-auto max-w-4xl px-4 py-8 text-muted">Loading the agenda…</div>}>
      <WorkshopPage lessons={lessons} />
    </Suspense>
  );
}

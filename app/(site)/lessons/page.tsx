import type { Metadata } from 'next';
import Link from 'next/link';
import { loadLessons } from '../../../machines/lessons/load';
import { agendaToSearch, itemFromFigure } from '../../../machines/workshop/agenda';

export const metadata: Metadata = {
  title: 'Lessons',
  description: 'Nine short lessons on the dual write problem and its fixes: predict what happens, run it on real Postgres in your browser, then see why.',
};

/** The path through the lessons, in order. Read from content/lessons at build time. */
export default function LessonsPage() {
  const lessons = loadLessons().map((l) => l.lesson);
  const total = lessons.reduce((sum, l) => sum + l.frontmatter.minutes, 0);
  return (
    <div className="mx-auto max-w-3xl px-4 py-8 sm:py-10">
      <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Lessons</h1>
      <p className="mt-3 text-lg text-muted">
        {lessons.length} lessons, about {total} minutes in all. Each one asks what you expect, lets you run it on real Postgres in your browser, then explains what
        happened.
      </p>
      <p className="mt-3 text-muted">
        Teaching a room? Every lesson&apos;s runs open as a{' '}
        <Link href="/workshop/" className="text-accent underline">
          workshop agenda
        </Link>{' '}
        you can reorder, share as one link and present on a projector.
      </p>
      <ol className="mt-8 space-y-4" data-testid="lesson-path">
        {lessons.map((lesson, i) => (
          <li key={lesson.slug} className="rounded-lg border border-line bg-surface p-4" data-testid="lesson-item">
            <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
              <span className="font-mono text-sm text-muted" aria-hidden="true">
                {String(i + 1).padStart(2, '0')}
              </span>
              <h2 className="text-lg font-semibold">
                <Link href={`/lessons/${lesson.slug}/`} className="hover:underline">
                  {lesson.frontmatter.title}
                </Link>
              </h2>
            </div>
            <p className="mt-1 text-muted">{lesson.frontmatter.summary}</p>
            <p className="mt-2 text-sm">
              {lesson.frontmatter.minutes} min · {lesson.frontmatter.level} · {lesson.figures.length} {lesson.figures.length === 1 ? 'run' : 'runs'} ·{' '}
              <Link
                href={`/workshop/${agendaToSearch({ title: lesson.frontmatter.title, items: lesson.figures.map(itemFromFigure), presenting: null })}`}
                className="text-accent underline"
                data-testid="lesson-workshop-link"
              >
                present as a workshop
              </Link>
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

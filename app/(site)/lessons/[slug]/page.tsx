import { evaluate } from '@mdx-js/mdx';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import * as runtime from 'react/jsx-runtime';
import remarkFrontmatter from 'remark-frontmatter';
import { LESSON_COMPONENTS } from '../../../../components/lessons/mdx-elements';
import { PredictionGates } from '../../../../components/lessons/PredictionGates';
import { remarkGateFigures } from '../../../../machines/lessons/gates';
import { loadLesson, loadLessons } from '../../../../machines/lessons/load';

export const dynamicParams = false;

export function generateStaticParams() {
  return loadLessons().map(({ lesson }) => ({ slug: lesson.slug }));
}

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { slug } = await params;
  const found = loadLesson(slug);
  return found ? { title: found.lesson.frontmatter.title, description: found.lesson.frontmatter.summary } : {};
}

/**
 * One lesson, compiled from its MDX at build time (the static export has no server). The file was
 * already checked by loadLesson, so a bad lesson has failed the build before it gets here.
 */
export default async function LessonPage({ params }: { params: Params }) {
  const { slug } = await params;
  const all = loadLessons();
  const index = all.findIndex((l) => l.lesson.slug === slug);
  const found = all[index];
  if (!found) notFound();
  const { lesson, source } = found;
  const { default: Content } = await evaluate(source, { ...runtime, remarkPlugins: [remarkFrontmatter, remarkGateFigures] });
  const next = all[index + 1]?.lesson;
  return (
    <article className="mx-auto max-w-3xl px-4 py-8 sm:py-10">
      <p className="text-sm text-muted">
        <Link href="/lessons/" className="text-accent underline">
          Lessons
        </Link>{' '}
        · {index + 1} of {all.length} · {lesson.frontmatter.minutes} min · {lesson.frontmatter.level}
      </p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight sm:text-4xl">{lesson.frontmatter.title}</h1>
      <p className="mt-3 text-lg text-muted">{lesson.frontmatter.summary}</p>
      <PredictionGates>
        <Content components={LESSON_COMPONENTS} />
      </PredictionGates>
      <nav aria-label="Next lesson" className="mt-12 border-t border-line pt-6">
        {next ? (
          <Link href={`/lessons/${next.slug}/`} className="text-accent underline">
            Next: {next.frontmatter.title} →
          </Link>
        ) : (
          <Link href="/compare/" className="text-accent underline">
            That was the last lesson. Compare every pattern side by side →
          </Link>
        )}
      </nav>
    </article>
  );
}

/**
 * Every lesson in content/lessons, read and checked, in path order. Node only (reads files): the
 * lesson pages call it at build time, so a bad lesson fails the build with its problems listed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LessonError, parseLesson, type Lesson } from './parse';

export const LESSONS_DIR = join(process.cwd(), 'content', 'lessons');

export function lessonFiles(dir: string = LESSONS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .sort()
    .map((name) => join(dir, name));
}

export interface LessonSource {
  lesson: Lesson;
  source: string;
}

/** Reads and checks every lesson; throws one error listing the problems of every bad file. */
export function loadLessons(dir: string = LESSONS_DIR): LessonSource[] {
  const loaded: LessonSource[] = [];
  const errors: string[] = [];
  for (const path of lessonFiles(dir)) {
    const file = relative(process.cwd(), path);
    const source = readFileSync(path, 'utf8');
    try {
      loaded.push({ lesson: parseLesson(file, source), source });
    } catch (error) {
      if (error instanceof LessonError) errors.push(error.message);
      else throw error;
    }
  }
  errors.push(...pathProblems(loaded.map((l) => l.lesson)));
  if (errors.length > 0) throw new Error(`lessons have problems:\n${errors.join('\n')}`);
  return loaded.sort((a, b) => a.lesson.frontmatter.order - b.lesson.frontmatter.order);
}

/** Two lessons in one place on the path, or at one address, would hide one of them. */
function pathProblems(lessons: Lesson[]): string[] {
  const problems: string[] = [];
  for (const [key, label] of [['order', 'order'], ['slug', 'address']] as const) {
    const seen = new Map<string | number, string>();
    for (const lesson of lessons) {
      const value = key === 'order' ? lesson.frontmatter.order : lesson.slug;
      const first = seen.get(value);
      if (first) problems.push(`${lesson.file}: has the same ${label} (${value}) as ${first}`);
      else seen.set(value, lesson.file);
    }
  }
  return problems;
}

export function loadLesson(slug: string, dir?: string): LessonSource | undefined {
  return loadLessons(dir).find((l) => l.lesson.slug === slug);
}

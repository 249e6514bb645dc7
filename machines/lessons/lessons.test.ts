/**
 * Every figure of every lesson, replayed on real PGlite: a lesson's words say what its figures
 * show, and this fails, naming the lesson, the figure and what differed, the moment they do not.
 */
import { describe, expect, it } from 'vitest';
import { useLabPostgres } from '../testing/postgres';
import { loadLessons } from './load';
import { parseLesson } from './parse';
import { describeVerdict, replayFigure } from './replay';

const lessons = loadLessons().map((l) => l.lesson);
const postgres = useLabPostgres();

describe('lessons', () => {
  it('are at least nine, in path order, each with a figure and a question', () => {
    expect(lessons.length).toBeGreaterThanOrEqual(9);
    const orders = lessons.map((l) => l.frontmatter.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    for (const lesson of lessons) {
      expect(lesson.figures.length, lesson.file).toBeGreaterThan(0);
      expect(lesson.questions, lesson.file).toBeGreaterThan(0);
      expect(lesson.compareLinks.length, lesson.file).toBeGreaterThan(0);
    }
  });

  it('reports a figure whose expected outcome the lab does not show', async () => {
    const wrong = parseLesson(
      'content/lessons/99-wrong.mdx',
      `---\ntitle: Wrong\nsummary: Expects the wrong thing.\nminutes: 1\nlevel: beginner\norder: 99\n---\n\n<Figure pattern="naive-db-first" faults="crash@service.publish:1" expect="consistent" caption="Claims a crash is harmless" />\n\n## When to choose it\n\n[Row](/compare/#row-naive-db-first--default)\n`,
    );
    const verdict = await replayFigure(postgres.db, wrong, wrong.figures[0]!);
    expect(verdict.agrees).toBe(false);
    expect(describeVerdict(verdict)).toBe('content/lessons/99-wrong.mdx: figure 1 ("Claims a crash is harmless"): expected consistent, the lab shows lost-event');
  });

  for (const lesson of lessons) {
    describe(lesson.file, () => {
      for (const figure of lesson.figures) {
        it(`figure ${figure.index}: ${figure.caption}`, async () => {
          const verdict = await replayFigure(postgres.db, lesson, figure);
          // The message is the whole verdict line, so a failure reads as what the author must fix.
          expect(verdict.agrees, describeVerdict(verdict)).toBe(true);
        });
      }
    });
  }
});

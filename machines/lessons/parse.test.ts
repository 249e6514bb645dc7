import { describe, expect, it } from 'vitest';
import { LessonError, parseLesson, slugOf } from './parse';

const FRONT = `---
title: A lesson
summary: What it shows.
minutes: 5
level: beginner
order: 1
---
`;
const FIGURE = `<Figure pattern="naive-db-first" faults="crash@service.publish:1" expect="lost-event" caption="A crash" />`;
const CLOSING = `\n## When to choose it\n\nSee [the row](/compare/#row-naive-db-first--default).\n`;

function problemsOf(source: string): string[] {
  try {
    parseLesson('content/lessons/01-x.mdx', source);
  } catch (error) {
    if (error instanceof LessonError) return error.problems;
    throw error;
  }
  return [];
}

describe('parseLesson', () => {
  it('reads front matter, figures as scenarios, questions and compare links', () => {
    const source = `${FRONT}\n<Predict question="What?" choices={["a", "b"]} answer={1}>Because.</Predict>\n\n${FIGURE}\n${CLOSING}`;
    const lesson = parseLesson('content/lessons/01-the-problem.mdx', source);
    expect(lesson.slug).toBe('the-problem');
    expect(lesson.frontmatter).toEqual({ title: 'A lesson', summary: 'What it shows.', minutes: 5, level: 'beginner', order: 1 });
    expect(lesson.questions).toBe(1);
    expect(lesson.compareLinks).toEqual(['/compare/#row-naive-db-first--default']);
    const [figure] = lesson.figures;
    expect(figure?.scenario).toMatchObject({ pattern: 'naive-db-first', faults: [{ kind: 'crash', at: 'service.publish:1' }], idempotentConsumer: false });
    expect(figure?.expect).toEqual(['lost-event']);
    expect(figure?.query).toEqual({ faults: 'crash@service.publish:1' });
  });

  it('names an unknown pattern', () => {
    expect(problemsOf(`${FRONT}${FIGURE.replace('naive-db-first', 'naive-db-frist')}${CLOSING}`)).toEqual([
      expect.stringMatching(/^figure 1 \(line \d+\): pattern "naive-db-frist" is not one the lab has$/),
    ]);
  });

  it('names a fault the pattern cannot take, with the validation the lab link uses', () => {
    const [problem] = problemsOf(`${FRONT}${FIGURE.replace('crash@service.publish:1', 'crash@relya.mark:1')}${CLOSING}`);
    expect(problem).toMatch(/^figure 1 .*fault "crash@relya.mark:1" names no actor of naive-db-first/);
  });

  it('requires expect, and only anomaly ids or "consistent" in it', () => {
    expect(problemsOf(`${FRONT}${FIGURE.replace(' expect="lost-event"', '')}${CLOSING}`)).toEqual([expect.stringMatching(/figure 1 .*missing expect$/)]);
    expect(problemsOf(`${FRONT}${FIGURE.replace('lost-event', 'ghost-order')}${CLOSING}`)[0]).toMatch(/expect names "ghost-order", not an anomaly/);
  });

  it('refuses an attribute written as an expression, which the checker cannot read', () => {
    const [problem] = problemsOf(`${FRONT}${FIGURE.replace('expect="lost-event"', 'expect={"lost-event"}')}${CLOSING}`);
    expect(problem).toMatch(/figure 1 .*attribute expect is an expression \{"lost-event"\}; write it as a literal string/);
  });

  it('names the file and the field of bad front matter', () => {
    const error = (() => {
      try {
        parseLesson('content/lessons/01-x.mdx', `${FRONT.replace('minutes: 5', 'minutes: soon')}${FIGURE}${CLOSING}`);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/^content\/lessons\/01-x\.mdx: front matter field minutes: /);
    expect(problemsOf(`${FRONT.replace('level: beginner', 'level: expert')}${FIGURE}${CLOSING}`)[0]).toMatch(/front matter field level/);
    expect(problemsOf(`${FRONT.replace('order: 1', 'order: 1\nauthor: me')}${FIGURE}${CLOSING}`)[0]).toMatch(/unknown field\(s\) author/);
    expect(problemsOf(`${FIGURE}${CLOSING}`)).toContain('has no front matter (--- title, summary, minutes, level, order ---)');
  });

  it('checks a question: choices, answer in range, and a figure after it', () => {
    const problems = problemsOf(`${FRONT}<Predict question="Q?" choices={["only one"]} answer={3}>x</Predict>\n\n${FIGURE}${CLOSING}`);
    const outOfRange = problemsOf(`${FRONT}<Predict question="Q?" choices={["a", "b"]} answer={2}>x</Predict>\n\n${FIGURE}${CLOSING}`);
    expect(outOfRange).toEqual([expect.stringMatching(/^question 1 .*answer must be the 0-based index/)]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^question 1 .*choices must be a list of at least two strings/),
      ]),
    );
    expect(problemsOf(`${FRONT}${FIGURE}\n<Predict question="Q?" choices={["a", "b"]} answer={0}>x</Predict>${CLOSING}`)).toEqual([
      expect.stringMatching(/^question 1 .*no <Figure> follows it/),
    ]);
  });

  it('requires the closing section and a real compare row', () => {
    expect(problemsOf(`${FRONT}${FIGURE}\n\nSee [it](/compare/#row-naive-db-first--default).`)[0]).toMatch(/has no heading "When to choose it/);
    expect(problemsOf(`${FRONT}${FIGURE}${CLOSING.replace('--default', '--turbo')}`)).toEqual(
      expect.arrayContaining([expect.stringMatching(/link \/compare\/#row-naive-db-first--turbo .*names no row of \/compare/)]),
    );
  });

  it('makes a slug from the file name without its number', () => {
    expect(slugOf('content/lessons/04-transactional-outbox.mdx')).toBe('transactional-outbox');
  });
});

/**
 * `lab lessons [--check] [--json]`: the lessons in content/lessons in path order; with --check,
 * every figure is replayed on real PGlite and compared with the outcome its lesson expects.
 * Exit 1 when a figure disagrees, so CI and a docs author get the same answer.
 */
import type { FigureVerdict } from '../../machines/lessons/replay';
import { parseFlags } from './args';
import { EXIT_FAILURE, EXIT_OK } from './errors';
import { note, print, printJson, withDatabase } from './io';

export async function lessonsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags('lessons', args, { check: { type: 'boolean' }, json: { type: 'boolean' } }, 0);
  // Loaded here, not at the top: the MDX parser and the statecharts cost every other command time.
  const { loadLessons } = await import('../../machines/lessons/load');
  const { describeVerdict, replayLessons } = await import('../../machines/lessons/replay');
  // A bad lesson file throws here, naming the file and the field, before Postgres boots.
  const lessons = loadLessons().map((l) => l.lesson);
  const listing = lessons.map(({ slug, file, frontmatter, figures, questions }) => ({ slug, file, ...frontmatter, figures: figures.length, questions }));

  let verdicts: FigureVerdict[] | null = null;
  if (values.check) {
    verdicts = await withDatabase((db) => replayLessons(db, lessons, (v) => { if (!values.json) note(describeVerdict(v)); }));
  }
  const agreeing = verdicts?.filter((v) => v.agrees).length ?? 0;

  if (values.json) printJson(verdicts ? { lessons: listing, verdicts, agree: agreeing, total: verdicts.length } : { lessons: listing });
  else {
    print(listing.map((l) => `${String(l.order).padStart(2)}. ${l.title} (${l.minutes} min, ${l.level}) — /lessons/${l.slug}/ · ${l.figures} figures`).join('\n'));
    if (verdicts) print(`${agreeing}/${verdicts.length} figures agree`);
    else print('Replay every figure with: lab lessons --check');
  }
  return verdicts && agreeing < verdicts.length ? EXIT_FAILURE : EXIT_OK;
}

import { describe, expect, it } from 'vitest';
import { loadLessons } from '../lessons/load';
import { agendaToSearch, formatAgendaItem, itemFigurePath, itemFromFigure, itemLabPath, MAX_AGENDA_ITEMS, parseAgenda, parseAgendaItem, type AgendaItem } from './agenda';

const item = (text: string): AgendaItem => {
  const parsed = parseAgendaItem(text);
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
};

describe('a workshop agenda in the address', () => {
  it('reads items written the way the agenda writes them, in order, with their notes', () => {
    const agenda = parseAgenda(new URLSearchParams('title=Dual+writes&s=naive-db-first?faults=crash@service.publish:1&s=outbox-polling?seed=7%26note=Watch+the+relay'));
    expect(agenda.problems).toEqual([]);
    expect(agenda.title).toBe('Dual writes');
    expect(agenda.items.map((i) => i.pattern)).toEqual(['naive-db-first', 'outbox-polling']);
    expect(agenda.items[0]!.scenario.faults).toEqual([{ kind: 'crash', at: 'service.publish:1' }]);
    expect(agenda.items[1]!.scenario.seed).toBe(7);
    expect(agenda.items[1]!.note).toBe('Watch the relay');
    expect(agenda.presenting).toBeNull();
  });

  it('round-trips: the address it writes reads back as the same agenda', () => {
    const items = [item('cache-set?seed=3&orders=0,10,20&step=4&note=Which write wins?'), item('two-phase-commit?note=50%25 %26 %2B are kept'), item('outbox-polling?variant=id-cursor&idem=on')];
    const search = agendaToSearch({ title: 'A title, with: punctuation & more', items, presenting: 2 });
    const back = parseAgenda(new URLSearchParams(search));
    expect(back.problems).toEqual([]);
    expect(back).toMatchObject({ title: 'A title, with: punctuation & more', presenting: 2 });
    expect(back.items).toEqual(items);
    expect(agendaToSearch(back)).toBe(search);
    expect(items[1]!.note).toBe('50% & + are kept');
    expect(search).toContain('s=outbox-polling?variant=id-cursor%26idem=on');
  });

  it('takes any lab or figure link pasted in, dropping how the figure was presented', () => {
    const pasted = item('https://example.org/patterns/outbox-polling/?faults=crash@relay.mark:1&seed=9');
    expect(pasted).toMatchObject({ pattern: 'outbox-polling', scenario: { seed: 9, faults: [{ kind: 'crash', at: 'relay.mark:1' }] } });
    const figure = item('/embed/cache-set/?panels=tables&theme=dark&outcome=hidden&size=large&seed=2');
    expect(formatAgendaItem(figure)).toBe('cache-set?seed=2');
    expect(item('naive-broker-first').scenario.faults).toEqual([]);
  });

  it('says what is wrong with an item that is not a run, rather than running a default', () => {
    expect(parseAgendaItem('')).toBe('is empty');
    expect(parseAgendaItem('https://example.org/compare/')).toMatch(/not a link to a lab page/);
    expect(parseAgendaItem('outbox-teleport?seed=1')).toMatch(/^names "outbox-teleport", not a pattern of the lab/);
    expect(parseAgendaItem('outbox-polling?seed=-1')).toMatch(/^\(outbox-polling\): seed must be a whole number/);
    expect(parseAgendaItem('outbox-polling?faults=crash@relya.mark')).toMatch(/names no actor of outbox-polling/);
    expect(parseAgendaItem('outbox-polling?colour=red')).toMatch(/parameter "colour" is not one the lab reads/);
  });

  it('leaves a bad item out with one line and keeps the rest', () => {
    const agenda = parseAgenda(new URLSearchParams('s=cache-set&s=nope&s=cache-delete&extra=1'));
    expect(agenda.items.map((i) => i.pattern)).toEqual(['cache-set', 'cache-delete']);
    expect(agenda.problems).toEqual([
      'parameter "extra" is not one the agenda reads (it reads title, s, present); ignored it',
      expect.stringMatching(/^scenario 2 names "nope", not a pattern of the lab .*; left it out$/),
    ]);
  });

  it('caps the agenda, the title and the notes, and keeps control characters out of them', () => {
    const many = new URLSearchParams(Array.from({ length: MAX_AGENDA_ITEMS + 5 }, () => ['s', 'cache-set']));
    const big = parseAgenda(many);
    expect(big.items).toHaveLength(MAX_AGENDA_ITEMS);
    expect(big.problems).toEqual([`has ${MAX_AGENDA_ITEMS + 5} scenarios; an agenda holds at most ${MAX_AGENDA_ITEMS}, so the first ${MAX_AGENDA_ITEMS} were kept`]);
    const long = parseAgenda(new URLSearchParams({ title: `${'x'.repeat(130)}\u202e`, s: `cache-set?note=${encodeURIComponent('a\nb\u0007c')}` }));
    expect(long.title).toHaveLength(120);
    expect(long.problems).toEqual(['title is longer than 120 characters; cut it there']);
    expect(long.items[0]!.note).toBe('a b c');
  });

  it('presents a 1-based run, clamped to the agenda, and reports a bad number', () => {
    expect(parseAgenda(new URLSearchParams('s=cache-set&s=cache-delete&present=2')).presenting).toBe(1);
    expect(parseAgenda(new URLSearchParams('s=cache-set&present=9')).presenting).toBe(0);
    const bad = parseAgenda(new URLSearchParams('s=cache-set&present=0x1'));
    expect([bad.presenting, bad.problems]).toEqual([null, ['present must be a scenario number from 1 to 1; got "0x1"']]);
    expect(parseAgenda(new URLSearchParams('present=1')).problems).toEqual(['present was given but the agenda has no scenario to present']);
  });

  it('opens each run on the lab page and as a figure with the same scenario', () => {
    const run = item('outbox-polling?seed=4&step=3&faults=crash@relay.mark:1&note=hello');
    expect(itemLabPath(run)).toBe('/patterns/outbox-polling/?seed=4&faults=crash@relay.mark:1&step=3');
    expect(itemFigurePath(run, { outcome: 'hidden', size: 'large' })).toBe('/embed/outbox-polling/?seed=4&faults=crash@relay.mark:1&step=3&outcome=hidden&size=large');
    expect(itemLabPath(item('cache-set'))).toBe('/patterns/cache-set/');
  });

  it('every lesson figure makes an agenda item that reads back as the same run', () => {
    for (const { lesson } of loadLessons()) {
      for (const figure of lesson.figures) {
        const made = itemFromFigure(figure);
        expect(parseAgendaItem(formatAgendaItem(made)), `${lesson.slug} figure ${figure.index}`).toEqual(made);
      }
    }
  });
});

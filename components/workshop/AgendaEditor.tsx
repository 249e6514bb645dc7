'use client';

import { useId, useState } from 'react';
import { findPattern } from '../../machines/patterns/catalog';
import { describeItem, itemLabPath, MAX_AGENDA_ITEMS, MAX_NOTE_CHARS, MAX_TITLE_CHARS, parseAgendaItem, type AgendaItem } from '../../machines/workshop/agenda';
import { BUTTON, FIELD } from '../lab/buttonStyles';
import type { AgendaState } from './useAgendaUrl';

export interface LessonChoice {
  slug: string;
  title: string;
  /** Each figure as agenda text (`pattern?query&note=…`), made at build time from the lesson. */
  items: { text: string; caption: string }[];
}

/** Moves one item by `delta` places, leaving the list as it was at either end. */
function moved(items: AgendaItem[], index: number, delta: number): AgendaItem[] {
  const target = index + delta;
  if (target < 0 || target >= items.length) return items;
  const next = [...items];
  [next[index], next[target]] = [next[target]!, next[index]!];
  return next;
}

/**
 * Assembling an agenda: a title, the items in order (each with a note the room reads while it
 * predicts), and two ways to add one: a lesson's figures, or any lab or figure link pasted in.
 */
export function AgendaEditor({ agenda, onChange, lessons }: { agenda: AgendaState; onChange: (next: AgendaState) => void; lessons: LessonChoice[] }) {
  const ids = useId();
  const [link, setLink] = useState('');
  const [linkProblem, setLinkProblem] = useState<string | null>(null);
  const [lessonPick, setLessonPick] = useState('');
  const full = agenda.items.length >= MAX_AGENDA_ITEMS;
  const setItems = (items: AgendaItem[]) => onChange({ ...agenda, items: items.slice(0, MAX_AGENDA_ITEMS) });

  const addTexts = (texts: string[]) => {
    // Lesson figures were checked at build time; a failure here would be a lab bug, not the reader's.
    const parsed = texts.map(parseAgendaItem).filter((item): item is AgendaItem => typeof item !== 'string');
    setItems([...agenda.items, ...parsed]);
  };

  const addLink = () => {
    const item = parseAgendaItem(link);
    if (typeof item === 'string') {
      setLinkProblem(`That link ${item}.`);
      return;
    }
    setLinkProblem(null);
    setLink('');
    setItems([...agenda.items, item]);
  };

  const pick = lessonPick.split(':');
  const pickedLesson = lessons.find((l) => l.slug === pick[0]);

  return (
    <div className="space-y-6">
      <div>
        <label htmlFor={`${ids}-title`} className="block font-semibold">
          Title
        </label>
        <input
          id={`${ids}-title`}
          className={`${FIELD} mt-1 w-full`}
          value={agenda.title}
          maxLength={MAX_TITLE_CHARS}
          placeholder="e.g. Dual writes, an hour with the lab"
          onChange={(e) => onChange({ ...agenda, title: e.target.value })}
          data-testid="agenda-title"
        />
      </div>

      <section aria-labelledby={`${ids}-items`}>
        <h2 id={`${ids}-items`} className="text-xl font-semibold">
          Runs, in order <span className="font-normal text-muted">({agenda.items.length} of at most {MAX_AGENDA_ITEMS})</span>
        </h2>
        {agenda.items.length === 0 ? (
          <p className="mt-2 rounded-lg border border-dashed border-line p-4 text-muted" data-testid="agenda-empty">
            No runs yet. Add a lesson&apos;s figures or paste a link from any lab page below.
          </p>
        ) : (
          <ol className="mt-2 space-y-2" data-testid="agenda-items">
            {agenda.items.map((item, index) => (
              <AgendaRow
                key={`${index}:${item.pattern}`}
                item={item}
                index={index}
                count={agenda.items.length}
                onNote={(note) => setItems(agenda.items.map((it, i) => (i === index ? { ...it, note } : it)))}
                onMove={(delta) => setItems(moved(agenda.items, index, delta))}
                onRemove={() => setItems(agenda.items.filter((_, i) => i !== index))}
              />
            ))}
          </ol>
        )}
      </section>

      <section aria-labelledby={`${ids}-add`} className="rounded-lg border border-line bg-surface p-4">
        <h2 id={`${ids}-add`} className="text-xl font-semibold">
          Add runs
        </h2>
        {full && <p className="mt-1 font-semibold text-warn">The agenda is full ({MAX_AGENDA_ITEMS} runs); remove one to add another.</p>}
        <div className="mt-3 flex flex-wrap items-end gap-2">
          <div className="min-w-0 flex-1 basis-72">
            <label htmlFor={`${ids}-lesson`} className="block font-medium">
              From a lesson
            </label>
            <select id={`${ids}-lesson`} className={`${FIELD} mt-1 w-full`} value={lessonPick} onChange={(e) => setLessonPick(e.target.value)} data-testid="lesson-pick">
              <option value="">Choose a lesson or one of its runs…</option>
              {lessons.map((lesson) => (
                <optgroup key={lesson.slug} label={lesson.title}>
                  <option value={`${lesson.slug}:all`}>
                    All {lesson.items.length} runs of “{lesson.title}”
                  </option>
                  {lesson.items.map((figure, i) => (
                    <option key={i} value={`${lesson.slug}:${i}`}>
                      {figure.caption}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          </div>
          <button
            type="button"
            className={BUTTON}
            disabled={!pickedLesson || full}
            data-testid="lesson-add"
            onClick={() => {
              if (!pickedLesson) return;
              const texts = pick[1] === 'all' ? pickedLesson.items.map((f) => f.text) : [pickedLesson.items[Number(pick[1])]?.text ?? ''];
              addTexts(texts);
            }}
          >
            Add
          </button>
        </div>
        <form
          className="mt-4 flex flex-wrap items-end gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            addLink();
          }}
        >
          <div className="min-w-0 flex-1 basis-72">
            <label htmlFor={`${ids}-link`} className="block font-medium">
              Paste a lab link
            </label>
            <input
              id={`${ids}-link`}
              className={`${FIELD} mt-1 w-full font-mono text-sm`}
              value={link}
              placeholder="https://…/patterns/outbox-polling/?faults=crash@relay.mark:1"
              onChange={(e) => setLink(e.target.value)}
              aria-describedby={linkProblem ? `${ids}-link-problem` : undefined}
              aria-invalid={linkProblem ? true : undefined}
              data-testid="link-input"
            />
          </div>
          <button type="submit" className={BUTTON} disabled={full || link.trim() === ''} data-testid="link-add">
            Add
          </button>
          {linkProblem && (
            <p id={`${ids}-link-problem`} role="alert" className="basis-full break-words text-bad" data-testid="link-problem">
              {linkProblem}
            </p>
          )}
        </form>
      </section>
    </div>
  );
}

function AgendaRow({
  item,
  index,
  count,
  onNote,
  onMove,
  onRemove,
}: {
  item: AgendaItem;
  index: number;
  count: number;
  onNote: (note: string) => void;
  onMove: (delta: number) => void;
  onRemove: () => void;
}) {
  const title = findPattern(item.pattern)?.title ?? item.pattern;
  return (
    <li className="rounded-lg border border-line bg-surface p-3" data-testid="agenda-item">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-mono text-sm text-muted">{String(index + 1).padStart(2, '0')}</span>
        <a href={itemLabPath(item)} className="font-semibold hover:underline">
          {title}
        </a>
        <span className="text-sm text-muted">{describeItem(item)}</span>
      </div>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <label className="sr-only" htmlFor={`note-${index}`}>
          Note for run {index + 1}
        </label>
        <input
          id={`note-${index}`}
          className={`${FIELD} min-w-0 flex-1 basis-full text-sm sm:basis-64`}
          value={item.note}
          maxLength={MAX_NOTE_CHARS}
          placeholder="A note the room reads while it predicts (optional)"
          onChange={(e) => onNote(e.target.value)}
        />
        <button type="button" className={BUTTON} onClick={() => onMove(-1)} disabled={index === 0} aria-label={`Move run ${index + 1} up`}>
          ↑
        </button>
        <button type="button" className={BUTTON} onClick={() => onMove(1)} disabled={index === count - 1} aria-label={`Move run ${index + 1} down`}>
          ↓
        </button>
        <button type="button" className={BUTTON} onClick={onRemove} aria-label={`Remove run ${index + 1}`}>
          Remove
        </button>
      </div>
    </li>
  );
}

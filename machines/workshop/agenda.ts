/**
 * A workshop agenda: a titled list of scenarios held entirely in the address, so everyone who
 * opens the instructor's link gets the same seeded runs in the same order. Each item is written
 * `s=<pattern>?<the lab's query>` (the same query a lab link carries, plus an optional `note`),
 * and goes through the lab's own scenario parser: a bad item is left out with one line saying
 * why, the rest of the agenda still loads.
 */
import { echo, plainText } from '../kernel/echo';
import { encodeQueryValue, parseScenarioSearch, PRESENTATION_PARAMS, scenarioToQuery } from '../kernel/scenario';
import type { Scenario } from '../kernel/types';
import type { PatternId } from '../kernel/vocabulary';
import { findPattern, PATTERN_CATALOG } from '../patterns/catalog';
import { faultTargetsOf } from '../patterns/fault-targets';

export const MAX_AGENDA_ITEMS = 40;
export const MAX_TITLE_CHARS = 120;
export const MAX_NOTE_CHARS = 200;
/** The agenda page's own parameters; `present` is the 1-based item shown full screen. */
export const AGENDA_PARAMS = ['title', 's', 'present'] as const;

export interface AgendaItem {
  pattern: PatternId;
  scenario: Scenario;
  /** The step the figure opens at, when the item says one. */
  step: number | null;
  /** What the instructor wants the room to think about (a lesson figure's caption, say). */
  note: string;
}

export interface Agenda {
  title: string;
  items: AgendaItem[];
  /** 0-based index of the item being presented, or null for the overview. */
  presenting: number | null;
  /** One readable line per part left out. */
  problems: string[];
}

/**
 * One item from text: `pattern?query` as the agenda stores it, or any lab or figure link pasted
 * in (`https://…/patterns/outbox-polling/?faults=…`, `/embed/cache-set/?seed=3`), or a bare
 * pattern id. The link's presentation parameters (panels, theme) are dropped: the agenda decides
 * how it is shown. Returns the item, or a phrase saying what is wrong with it.
 */
export function parseAgendaItem(text: string): AgendaItem | string {
  const raw = text.trim();
  if (raw === '') return 'is empty';
  let path: string;
  let search: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.startsWith('/')) {
    let url: URL;
    try {
      url = new URL(raw, 'https://lab.invalid');
    } catch {
      return `${echo(raw)} is not a link`;
    }
    const match = /^\/(?:patterns|embed)\/([^/]+)\/?$/.exec(url.pathname);
    if (!match) return `${echo(raw)} is not a link to a lab page (/patterns/<id>/) or a figure (/embed/<id>/)`;
    path = decodeURIComponent(match[1]!);
    search = url.search;
  } else {
    const at = raw.indexOf('?');
    path = at < 0 ? raw : raw.slice(0, at);
    search = at < 0 ? '' : raw.slice(at);
  }
  const info = findPattern(path);
  if (!info) return `names ${echo(path)}, not a pattern of the lab (patterns: ${PATTERN_CATALOG.map((p) => p.id).join(', ')})`;

  const params = new URLSearchParams(search);
  const note = plainText(params.get('note') ?? '', MAX_NOTE_CHARS);
  params.delete('note');
  for (const name of PRESENTATION_PARAMS) params.delete(name);
  const parsed = parseScenarioSearch(info.id, params, info.variants.map((v) => v.id), faultTargetsOf(info.id));
  // A lab page would fall back to a default and say so; an agenda item that quietly ran something
  // else than the instructor wrote would be worse than one left out.
  if (parsed.problems.length > 0) return `(${info.id}): ${parsed.problems.join('; ')}`;
  return { pattern: info.id, scenario: parsed.scenario, step: parsed.step, note };
}

// Items nest a query inside a query, so every escape an item needs is escaped again by the
// agenda: spaces stay literal inside an item (the agenda writes them as `+`), keeping a note
// readable in the address instead of `%2520` at every word.
/** The item as the agenda stores it: `pattern?query`, defaults left out. */
export function formatAgendaItem(item: AgendaItem): string {
  const query: Record<string, string> = scenarioToQuery(item.scenario, item.step);
  if (item.note) query.note = item.note;
  const text = Object.entries(query)
    .map(([name, value]) => `${name}=${encodeQueryValue(value, { spaces: ' ' })}`)
    .join('&');
  return text ? `${item.pattern}?${text}` : item.pattern;
}

/** The agenda page's address, read: every item checked, every problem said once. */
export function parseAgenda(search: URLSearchParams): Agenda {
  const problems: string[] = [];
  const known: ReadonlySet<string> = new Set(AGENDA_PARAMS);
  for (const name of new Set(search.keys())) {
    if (!known.has(name)) problems.push(`parameter ${echo(name)} is not one the agenda reads (it reads ${AGENDA_PARAMS.join(', ')}); ignored it`);
  }
  const rawTitle = search.get('title') ?? '';
  const title = plainText(rawTitle, MAX_TITLE_CHARS);
  if ([...rawTitle.trim()].length > MAX_TITLE_CHARS) problems.push(`title is longer than ${MAX_TITLE_CHARS} characters; cut it there`);

  const entries = search.getAll('s');
  if (entries.length > MAX_AGENDA_ITEMS) problems.push(`has ${entries.length} scenarios; an agenda holds at most ${MAX_AGENDA_ITEMS}, so the first ${MAX_AGENDA_ITEMS} were kept`);
  const items: AgendaItem[] = [];
  entries.slice(0, MAX_AGENDA_ITEMS).forEach((entry, i) => {
    const item = parseAgendaItem(entry);
    if (typeof item === 'string') problems.push(`scenario ${i + 1} ${item}; left it out`);
    else items.push(item);
  });

  let presenting: number | null = null;
  const present = search.get('present');
  if (present !== null && present !== '') {
    const n = /^[1-9][0-9]{0,2}$/.test(present) ? Number(present) : NaN;
    if (items.length === 0) problems.push('present was given but the agenda has no scenario to present');
    else if (Number.isNaN(n)) problems.push(`present must be a scenario number from 1 to ${items.length}; got ${echo(present)}`);
    else presenting = Math.min(n, items.length) - 1;
  }
  return { title, items, presenting, problems };
}

/** The address for an agenda (its title, items in order and the item presented, if any). */
export function agendaToSearch(agenda: Pick<Agenda, 'title' | 'items' | 'presenting'>): string {
  const parts: [string, string][] = [];
  if (agenda.title) parts.push(['title', agenda.title]);
  for (const item of agenda.items) parts.push(['s', formatAgendaItem(item)]);
  if (agenda.presenting !== null && agenda.items.length > 0) parts.push(['present', String(agenda.presenting + 1)]);
  return readableQuery(parts);
}

/** A query string (`?…`, or nothing when empty), readable the way the lab writes its links. */
function readableQuery(parts: readonly (readonly [string, string])[]): string {
  const text = parts.map(([name, value]) => `${name}=${encodeQueryValue(value, { spaces: '+', equals: true })}`).join('&');
  return text ? `?${text}` : '';
}

/** The lab page and the figure an item opens, relative to the site's root. */
export function itemLabPath(item: AgendaItem): string {
  return `/patterns/${item.pattern}/${readableQuery(Object.entries(scenarioToQuery(item.scenario, item.step)))}`;
}

export function itemFigurePath(item: AgendaItem, presentation: Record<string, string>): string {
  return `/embed/${item.pattern}/${readableQuery(Object.entries({ ...scenarioToQuery(item.scenario, item.step), ...presentation }))}`;
}

/** A short line saying what the item runs beyond the pattern's defaults, for lists and the handout. */
export function describeItem(item: AgendaItem): string {
  const info = findPattern(item.pattern);
  const parts: string[] = [];
  const variant = info?.variants.find((v) => v.id === item.scenario.variant);
  if (item.scenario.variant !== 'default') parts.push(`variant ${variant?.id ?? item.scenario.variant}`);
  parts.push(item.scenario.faults.length === 0 ? 'no fault armed' : `faults ${item.scenario.faults.map((f) => `${f.kind}@${f.at}`).join(', ')}`);
  if (item.scenario.idempotentConsumer) parts.push('idempotent consumer');
  parts.push(`${item.scenario.orders.length} ${item.scenario.orders.length === 1 ? 'order' : 'orders'}`);
  parts.push(`seed ${item.scenario.seed}`);
  return parts.join(' · ');
}

/** A lesson's figure as an agenda item, its caption the note the room reads while predicting. */
export function itemFromFigure(figure: { scenario: Scenario; step: number | null; caption: string }): AgendaItem {
  return { pattern: figure.scenario.pattern, scenario: figure.scenario, step: figure.step, note: plainText(figure.caption, MAX_NOTE_CHARS) };
}

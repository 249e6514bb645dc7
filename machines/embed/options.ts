/**
 * How an embedded figure presents itself, read from its address next to the scenario: which
 * extra panels to show (`panels=tables,topics`), which theme (`theme=dark`), whether the outcome
 * waits to be revealed (`outcome=hidden`, for predict-then-reveal in a room) and how large it is
 * drawn (`size=large`, for a projector). Like the scenario
 * parts, a bad value is reported in the figure and replaced by the default; it never breaks it.
 */
import { echo } from '../kernel/echo';

/** Panels a host can add to the compact figure (diagram, narration, transport and outcome). */
export const EMBED_PANELS = ['tables', 'topics', 'flow', 'controls'] as const;
export type EmbedPanel = (typeof EMBED_PANELS)[number];

export const EMBED_THEMES = ['light', 'dark', 'auto'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

export const EMBED_OUTCOMES = ['shown', 'hidden'] as const;
export type EmbedOutcome = (typeof EMBED_OUTCOMES)[number];

export const EMBED_SIZES = ['normal', 'large'] as const;
export type EmbedSize = (typeof EMBED_SIZES)[number];

export interface EmbedOptions {
  panels: ReadonlySet<EmbedPanel>;
  theme: EmbedTheme;
  outcome: EmbedOutcome;
  size: EmbedSize;
  /** One readable line per rejected part, shown with the scenario's own problems. */
  problems: string[];
}

const PANEL_SET: ReadonlySet<string> = new Set(EMBED_PANELS);
const THEME_SET: ReadonlySet<string> = new Set(EMBED_THEMES);

export function readEmbedOptions(search: URLSearchParams): EmbedOptions {
  const problems: string[] = [];
  const panels = new Set<EmbedPanel>();
  const panelText = search.get('panels');
  if (panelText) {
    for (const raw of panelText.split(',')) {
      const name = raw.trim();
      if (name === '') continue;
      if (PANEL_SET.has(name)) panels.add(name as EmbedPanel);
      else problems.push(`panels has an unknown panel ${echo(name)} (known: ${EMBED_PANELS.join(', ')}); left it out`);
    }
  }
  let theme: EmbedTheme = 'auto';
  const themeText = search.get('theme');
  if (themeText) {
    if (THEME_SET.has(themeText)) theme = themeText as EmbedTheme;
    else problems.push(`theme must be one of ${EMBED_THEMES.join(', ')}; got ${echo(themeText)}; followed the system`);
  }
  const outcome = readChoice(search, 'outcome', EMBED_OUTCOMES, 'shown', problems);
  const size = readChoice(search, 'size', EMBED_SIZES, 'normal', problems);
  return { panels, theme, outcome, size, problems };
}

function readChoice<T extends string>(search: URLSearchParams, name: string, choices: readonly T[], fallback: T, problems: string[]): T {
  const text = search.get(name);
  if (!text) return fallback;
  if ((choices as readonly string[]).includes(text)) return text as T;
  problems.push(`${name} must be one of ${choices.join(', ')}; got ${echo(text)}; used ${fallback}`);
  return fallback;
}

/** The query parts for a set of options, leaving out the defaults (for "Copy embed code"). */
export function embedOptionsToQuery(options: Pick<EmbedOptions, 'panels' | 'theme'> & Partial<Pick<EmbedOptions, 'outcome' | 'size'>>): Record<string, string> {
  const query: Record<string, string> = {};
  const panels = EMBED_PANELS.filter((p) => options.panels.has(p));
  if (panels.length > 0) query.panels = panels.join(',');
  if (options.theme !== 'auto') query.theme = options.theme;
  if (options.outcome === 'hidden') query.outcome = 'hidden';
  if (options.size === 'large') query.size = 'large';
  return query;
}

/**
 * Runs in the embed page's <head>-time script before first paint (so a dark figure never flashes
 * light, nor a large one jumps): `theme=light|dark` pins the theme, anything else follows the
 * system, whatever the lab site's own toggle stored for this origin; `size=large` marks the root
 * so the type is scaled before the first frame. Kept as a string because it runs before React.
 */
export const EMBED_THEME_SCRIPT = `try{var q=new URLSearchParams(location.search),t=q.get('theme'),r=document.documentElement;if(t==='light'||t==='dark')r.dataset.theme=t;else delete r.dataset.theme;if(q.get('size')==='large')r.dataset.size='large'}catch(e){}`;

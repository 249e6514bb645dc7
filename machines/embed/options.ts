/**
 * How an embedded figure presents itself, read from its address next to the scenario: which
 * extra panels to show (`panels=tables,topics`) and which theme (`theme=dark`). Like the scenario
 * parts, a bad value is reported in the figure and replaced by the default; it never breaks it.
 */
import { echo } from '../kernel/echo';

/** Panels a host can add to the compact figure (diagram, narration, transport and outcome). */
export const EMBED_PANELS = ['tables', 'topics', 'flow', 'controls'] as const;
export type EmbedPanel = (typeof EMBED_PANELS)[number];

export const EMBED_THEMES = ['light', 'dark', 'auto'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

export interface EmbedOptions {
  panels: ReadonlySet<EmbedPanel>;
  theme: EmbedTheme;
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
  return { panels, theme, problems };
}

/** The query parts for a set of options, leaving out the defaults (for "Copy embed code"). */
export function embedOptionsToQuery(options: Pick<EmbedOptions, 'panels' | 'theme'>): Record<string, string> {
  const query: Record<string, string> = {};
  const panels = EMBED_PANELS.filter((p) => options.panels.has(p));
  if (panels.length > 0) query.panels = panels.join(',');
  if (options.theme !== 'auto') query.theme = options.theme;
  return query;
}

/**
 * Runs in the embed page's <head>-time script before first paint (so a dark figure never flashes
 * light): `theme=light|dark` pins the theme, anything else follows the system, whatever the lab
 * site's own toggle stored for this origin. Kept as a string because it runs before React.
 */
export const EMBED_THEME_SCRIPT = `try{var t=new URLSearchParams(location.search).get('theme'),r=document.documentElement;if(t==='light'||t==='dark')r.dataset.theme=t;else delete r.dataset.theme}catch(e){}`;

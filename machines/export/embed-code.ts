/**
 * The snippet a docs author pastes to show the current scenario as a figure: the iframe and the
 * script that sizes it (public/embed.js). The script tag is the same for every figure on a page,
 * so it is worth including once however many figures are pasted.
 */
import { embedOptionsToQuery, type EmbedOptions } from '../embed/options';
import { scenarioToQuery } from '../kernel/scenario';
import type { Scenario } from '../kernel/types';
import { escapeXml } from './sequence-svg';

/** Matches the compact figure's height in a docs column, so the page does not jump on load. */
export const EMBED_INITIAL_HEIGHT = 720;

export function embedUrl(origin: string, scenario: Scenario, step: number, options: Pick<EmbedOptions, 'panels' | 'theme'>): string {
  const query = { ...scenarioToQuery(scenario, step > 0 ? step : null), ...embedOptionsToQuery(options) };
  // `@ : ,` are legal in a query and keep `faults=crash@relay.mark:1` readable, as the lab page writes it.
  const encode = (value: string) => encodeURIComponent(value).replace(/%40/g, '@').replace(/%3A/g, ':').replace(/%2C/g, ',');
  const search = Object.entries(query).map(([name, value]) => `${name}=${encode(value)}`).join('&');
  return `${origin}/embed/${scenario.pattern}/${search ? `?${search}` : ''}`;
}

export function embedCode(
  origin: string,
  scenario: Scenario,
  step: number,
  options: Pick<EmbedOptions, 'panels' | 'theme'>,
  title: string,
): string {
  const src = embedUrl(origin, scenario, step, options);
  return [
    `<iframe src="${escapeXml(src)}" title="${escapeXml(title)}" loading="lazy"`,
    `        style="width:100%;height:${EMBED_INITIAL_HEIGHT}px;border:0"></iframe>`,
    `<script src="${escapeXml(`${origin}/embed.js`)}" defer></script>`,
  ].join('\n');
}

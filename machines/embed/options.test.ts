import { describe, expect, it } from 'vitest';
import { embedOptionsToQuery, readEmbedOptions, EMBED_THEMES } from './options';
import { PRESENTATION_PARAMS, queryFromSearch } from '../kernel/scenario';

describe('embed presentation options', () => {
  it('is compact and follows the system by default', () => {
    const options = readEmbedOptions(new URLSearchParams(''));
    expect([...options.panels]).toEqual([]);
    expect(options.theme).toBe('auto');
    expect(options.problems).toEqual([]);
  });

  it('adds the named panels and pins a theme', () => {
    const options = readEmbedOptions(new URLSearchParams('panels=tables,flow&theme=dark'));
    expect([...options.panels].sort()).toEqual(['flow', 'tables']);
    expect(options.theme).toBe('dark');
  });

  it('reports an unknown panel and keeps the known ones', () => {
    const options = readEmbedOptions(new URLSearchParams('panels=tables,graphs'));
    expect([...options.panels]).toEqual(['tables']);
    expect(options.problems).toHaveLength(1);
    expect(options.problems[0]).toMatch(/unknown panel "graphs"/);
  });

  it('reports a bad theme and follows the system instead', () => {
    const options = readEmbedOptions(new URLSearchParams('theme=purple'));
    expect(options.theme).toBe('auto');
    expect(options.problems[0]).toMatch(/theme must be one of light, dark, auto/);
    expect(EMBED_THEMES).toContain(options.theme);
  });

  it('writes back only what differs from the default, in a stable order', () => {
    expect(embedOptionsToQuery({ panels: new Set(['topics', 'tables']), theme: 'auto' })).toEqual({ panels: 'tables,topics' });
    expect(embedOptionsToQuery({ panels: new Set(), theme: 'light' })).toEqual({ theme: 'light' });
  });

  it('its parameters are not reported as unknown by the lab page', () => {
    expect(PRESENTATION_PARAMS).toEqual(['panels', 'theme']);
    const { issues } = queryFromSearch(new URLSearchParams('panels=tables&theme=dark&bogus=1'));
    expect(issues.map((i) => i.detail)).toEqual([expect.stringMatching(/"bogus"/)]);
  });
});

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

  it('holds the outcome back and draws large for a room, and reports values it does not know', () => {
    const room = readEmbedOptions(new URLSearchParams('outcome=hidden&size=large'));
    expect([room.outcome, room.size, room.problems]).toEqual(['hidden', 'large', []]);
    const plain = readEmbedOptions(new URLSearchParams(''));
    expect([plain.outcome, plain.size]).toEqual(['shown', 'normal']);
    const bad = readEmbedOptions(new URLSearchParams('outcome=secret&size=huge'));
    expect([bad.outcome, bad.size]).toEqual(['shown', 'normal']);
    expect(bad.problems).toEqual([
      'outcome must be one of shown, hidden; got "secret"; used shown',
      'size must be one of normal, large; got "huge"; used normal',
    ]);
    expect(embedOptionsToQuery({ panels: new Set(), theme: 'auto', outcome: 'hidden', size: 'large' })).toEqual({ outcome: 'hidden', size: 'large' });
  });

  it('writes back only what differs from the default, in a stable order', () => {
    expect(embedOptionsToQuery({ panels: new Set(['topics', 'tables']), theme: 'auto' })).toEqual({ panels: 'tables,topics' });
    expect(embedOptionsToQuery({ panels: new Set(), theme: 'light' })).toEqual({ theme: 'light' });
  });

  it('its parameters are not reported as unknown by the lab page', () => {
    expect(PRESENTATION_PARAMS).toEqual(['panels', 'theme', 'outcome', 'size']);
    const { issues } = queryFromSearch(new URLSearchParams('panels=tables&theme=dark&outcome=hidden&size=large&bogus=1'));
    expect(issues.map((i) => i.detail)).toEqual([expect.stringMatching(/"bogus"/)]);
  });
});

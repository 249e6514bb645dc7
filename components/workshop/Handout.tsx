import { findPattern } from '../../machines/patterns/catalog';
import { describeItem, itemLabPath, type AgendaItem } from '../../machines/workshop/agenda';

/**
 * The printed handout: the agenda with each run's full address written out, so a room can open
 * the same seeded runs on their own laptops afterwards. Shown only when printing.
 */
export function Handout({ title, items, origin, agendaUrl }: { title: string; items: AgendaItem[]; origin: string; agendaUrl: string }) {
  return (
    <div className="hidden text-black print:block" data-testid="handout">
      <h1 className="text-2xl font-bold">{title || 'Dual Write Lab workshop'}</h1>
      <p className="mt-1 text-sm">
        Every run below is seeded: opened from its address it plays exactly as it did in the room. The whole agenda:{' '}
        <span className="break-all font-mono">{agendaUrl}</span>
      </p>
      <ol className="mt-4 space-y-3">
        {items.map((item, index) => (
          <li key={index} className="break-inside-avoid">
            <p className="font-semibold">
              {index + 1}. {findPattern(item.pattern)?.title ?? item.pattern}
            </p>
            {item.note && <p>{item.note}</p>}
            <p className="text-sm">{describeItem(item)}</p>
            <p className="break-all font-mono text-sm" data-testid="handout-link">
              {origin}
              {itemLabPath(item)}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}

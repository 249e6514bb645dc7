/**
 * What the CDC patterns' runs mean, for comparing them between PGlite and a server. There the
 * connector reads raw WAL records through pg_walinspect; on a server, a logical slot through
 * test_decoding (machines/actors/change-source.ts). Some bytes must differ, and are compared by
 * what they mean:
 *
 * - the decoder's own statements: its read (SQL text, label, how many rows it returned) and its
 *   slot's name in the advance;
 * - positions: byte offsets from the run's start (`+1472`, the stored offset, the `orders@+…`
 *   event ids of cdc-table). Two WAL formats (PostgreSQL 18 in PGlite, the server's own) put the
 *   same records at other offsets, so each position is replaced by its rank among the run's
 *   positions: p0 is the run's start, p1 the next position seen, and so on. The same position
 *   read twice keeps one rank, so a re-read (a duplicate) still shows;
 * - how much the decoder read ("18 WAL records", "11 test_decoding lines");
 * - rolled-back transactions: pg_walinspect reads their records and says it drops them ("tx 3
 *   aborted", "drops rolled-back tx 3 from 9 records"); logical decoding never hands them over, so
 *   the server's connector reads only the rest ("reads 3 test_decoding lines of other tables");
 * - the row images the cdc-table connector keeps for pg_walinspect (logical decoding needs none:
 *   the WAL carries the old row with REPLICA IDENTITY FULL).
 *
 * Everything else (every other statement, message, caption, state, anomaly and outcome) is
 * compared byte for byte, as for the other patterns.
 */
import type { PatternDefinition } from '../../machines/kernel/pattern';
import type { RunResult } from '../../machines/kernel/types';
import { readsWal } from '../../machines/runtime/pg-preflight';
import { linesOf } from './crosscheck-diff';

/** A run as the lines the crosscheck compares: a CDC pattern's by meaning, every other byte for byte. */
export function comparableLines(pattern: PatternDefinition, result: RunResult): string[] {
  return readsWal(pattern) ? cdcMeaning(linesOf(result)) : linesOf(result);
}

/** Said in the crosscheck's output when a CDC pattern was compared. */
export const CDC_COMPARED_BY_MEANING = [
  'CDC patterns (the connector reads pg_walinspect on PGlite, a logical slot with test_decoding on the server) are compared by meaning where the decoders must differ:',
  "  positions (bytes from the run's start, stored offsets, cdc-table's event ids) by their rank in the run (p0, p1, …); the decoder's read",
  '  statement, its row count and its slot name; how much it read ("18 WAL records" / "11 test_decoding lines"); the row images only pg_walinspect needs;',
  '  and the note that a rolled-back transaction was dropped ("tx 1 aborted", "drops rolled-back tx 2 from 9 records" = "reads … of other tables"):',
  '  pg_walinspect reads its records, logical decoding never hands it over.',
  '  Their anomalies and outcomes, and every other line, are compared exactly',
];

const READ_LABEL = /: read (?:WAL|changes) from (\S+) \((?:pg_get_wal_records_info|pg_logical_slot_peek_changes, test_decoding)\)( \[[^\]]*\])?( \| .*)?$/;
const SLOT = /\b(slot )(?:cdc|dual_write_lab_cdc)\b|'(?:cdc|dual_write_lab_cdc)'/g;
const READ_COUNT = /\breads \d+ (?:WAL records?|records?|test_decoding lines?)\b/g;
/**
 * pg_walinspect: "drops rolled-back tx 2 from 9 records" (the aborted transaction's and the other
 * tables'); logical decoding hands over only the other tables' transactions: "reads 3 … of other tables".
 */
const DROPPED_FROM = /\bdrops rolled-back tx [\d, ]+ from \d+ (?:records?|test_decoding lines?)\b/g;
const NOTHING_NEW = /The connector finds no new (?:WAL records|transactions in its slot)\./g;
/** pg_walinspect sees a rolled-back transaction's records (and drops them); logical decoding never hands them over. */
const ABORTED_TOO = /; tx [\d, ]+ aborted\./g;
const ROW_IMAGES = /(store row images \| .*?VALUES \(1, )'(?:[^']|'')*'/;
/** Positions as the lab writes them: `+1472` after a space, `@` or `(`, and stored offsets. */
const POSITION = /(?<=[\s@(])\+(\d+)\b|(?<=connect-offsets\/p\d+ = )(\d+)\b|(?<=o\.origin_lsn \+ )(\d+)(?=::numeric)/g;

/** Rewrites a CDC run's lines (crosscheck-diff.ts `linesOf`) into what they mean; the same on both sides. */
export function cdcMeaning(lines: string[]): string[] {
  const rewritten: string[] = [];
  let afterRead = false;
  for (const line of lines) {
    let out = line;
    if (afterRead && /^trace #\d+ .* postgres → \S+ reply: \d+ rows?$/.test(out)) out = out.replace(/reply: \d+ rows?$/, "reply: the decoder's rows");
    afterRead = false;
    const read = READ_LABEL.exec(out);
    if (read && out.startsWith('trace ')) {
      out = `${out.slice(0, read.index)}: read changes from ${read[1]} (the decoder)${read[2] ?? ''}${read[3] ? " | the decoder's read" : ''}`;
      afterRead = true;
    }
    out = out
      .replace(SLOT, (_, slot?: string) => (slot ? `${slot}<slot>` : "'<slot>'"))
      .replace(READ_COUNT, "reads the decoder's output")
      .replace(DROPPED_FROM, "reads the decoder's output of other tables")
      .replace(ABORTED_TOO, '.')
      .replace(NOTHING_NEW, 'The connector finds nothing new past its position.')
      .replace(ROW_IMAGES, "$1'<the decoder's row images>'");
    rewritten.push(out);
  }
  return rankPositions(rewritten);
}

/** Each distinct position becomes `p<rank>` (p0 the smallest: the run's start). */
function rankPositions(lines: string[]): string[] {
  const seen = new Set<number>();
  for (const line of lines) for (const m of line.matchAll(POSITION)) seen.add(Number(m[1] ?? m[2] ?? m[3]));
  const rank = new Map([...seen].sort((a, b) => a - b).map((pos, i) => [pos, i]));
  return lines.map((line) =>
    line.replace(POSITION, (whole, plus?: string, offset?: string, lsn?: string) => {
      const r = rank.get(Number(plus ?? offset ?? lsn));
      return plus !== undefined ? `+p${r}` : `p${r}`;
    }),
  );
}

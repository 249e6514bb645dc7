/**
 * Heap tuples as the WAL logs them, and as a full-page image holds them, decoded into rows with
 * Postgres' layout rules (STACK-NOTES: "Decoding an INSERT from the WAL"). wal.ts reads the
 * records; this file makes rows of their bytes.
 */
import type { ColumnLayout } from './wal';

const ALIGN: Record<ColumnLayout['align'], number> = { c: 1, s: 2, i: 4, d: 8 };
const SIZEOF_HEAP_TUPLE_HEADER = 23;
const XL_HEAP_HEADER = 5;
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);

export type RowImage = Record<string, string | number | boolean | null>;

/** A heap tuple as logged: its null bitmap and its data area, both without the WAL headers. */
export interface LoggedTuple {
  natts: number;
  hasNulls: boolean;
  bitmap: Uint8Array;
  /** The data area, from t_hoff on (where column alignment is measured from). */
  data: Uint8Array;
}

/** A tuple image as plain JSON (hex bytes), so it can sit in a statechart context or a table. */
export interface StoredTuple {
  natts: number;
  hasNulls: boolean;
  bitmap: string;
  data: string;
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));

export function storeTuple(t: LoggedTuple): StoredTuple {
  return { natts: t.natts, hasNulls: t.hasNulls, bitmap: toHex(t.bitmap), data: toHex(t.data) };
}

export function loadTuple(t: StoredTuple): LoggedTuple {
  return { natts: t.natts, hasNulls: t.hasNulls, bitmap: fromHex(t.bitmap), data: fromHex(t.data) };
}

/** Splits an INSERT's block data: xl_heap_header, then null bitmap and padding up to t_hoff, then data. */
export function splitInsertTuple(block: Uint8Array): LoggedTuple {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const infomask2 = view.getUint16(0, true);
  const infomask = view.getUint16(2, true);
  const hoff = view.getUint8(4);
  const prefix = hoff - SIZEOF_HEAP_TUPLE_HEADER;
  return {
    natts: infomask2 & 0x07ff,
    hasNulls: (infomask & 0x0001) !== 0,
    bitmap: block.slice(XL_HEAP_HEADER, XL_HEAP_HEADER + prefix),
    data: block.slice(XL_HEAP_HEADER + prefix),
  };
}

const SIZEOF_PAGE_HEADER = 24;
const LP_NORMAL = 1;

/**
 * The tuple at line pointer `off` of a page image (a full-page write), as a record would have
 * logged it: its line pointer gives where it sits and how long it is, its header the attribute
 * count, the null flag and t_hoff. Null when the slot holds no tuple.
 */
export function pageTuple(page: Uint8Array, off: number): LoggedTuple | null {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const at = SIZEOF_PAGE_HEADER + 4 * (off - 1);
  if (off < 1 || at + 4 > page.length) return null;
  const itemId = view.getUint32(at, true);
  const lpOff = itemId & 0x7fff;
  const lpFlags = (itemId >>> 15) & 0x03;
  const lpLen = itemId >>> 17;
  if (lpFlags !== LP_NORMAL || lpLen < SIZEOF_HEAP_TUPLE_HEADER || lpOff + lpLen > page.length) return null;
  const tuple = page.subarray(lpOff, lpOff + lpLen);
  const infomask2 = view.getUint16(lpOff + 18, true);
  const infomask = view.getUint16(lpOff + 20, true);
  const hoff = tuple[22]!;
  return {
    natts: infomask2 & 0x07ff,
    hasNulls: (infomask & 0x0001) !== 0,
    bitmap: tuple.slice(SIZEOF_HEAP_TUPLE_HEADER, hoff),
    data: tuple.slice(hoff),
  };
}

/**
 * An UPDATE's new tuple: the record may leave out a prefix and a suffix it shares with the old
 * tuple (flags 0x20 / 0x40 in the description), so the old image's bytes fill them in.
 */
export function splitUpdateTuple(block: Uint8Array, flags: number, old: LoggedTuple): LoggedTuple {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  let at = 0;
  const prefixLen = flags & 0x20 ? view.getUint16((at += 2) - 2, true) : 0;
  const suffixLen = flags & 0x40 ? view.getUint16((at += 2) - 2, true) : 0;
  const tuple = splitInsertTuple(block.slice(at));
  const middle = tuple.data;
  const data = new Uint8Array(prefixLen + middle.length + suffixLen);
  data.set(old.data.slice(0, prefixLen), 0);
  data.set(middle, prefixLen);
  data.set(old.data.slice(old.data.length - suffixLen), prefixLen + middle.length);
  return { ...tuple, data };
}

function isNull(tuple: LoggedTuple, attno: number): boolean {
  if (attno >= tuple.natts) return true;
  if (!tuple.hasNulls) return false;
  return ((tuple.bitmap[attno >> 3] ?? 0) & (1 << (attno & 7))) === 0;
}

/** Decodes the columns in order, with Postgres' alignment rules (short varlenas are not aligned). */
export function decodeTuple(tuple: LoggedTuple, columns: ColumnLayout[]): RowImage {
  const row: RowImage = {};
  const bytes = tuple.data;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  const align = (n: number) => (off = Math.ceil(off / n) * n);
  columns.forEach((col, attno) => {
    if (isNull(tuple, attno)) {
      if (!col.dropped) row[col.name] = null;
      return;
    }
    let value: string | number | boolean | null;
    if (col.len === -1) {
      // A 1-byte header (odd first byte) is never aligned; otherwise skip padding to the 4-byte header.
      if ((bytes[off]! & 0x01) === 0) align(ALIGN[col.align]);
      const first = bytes[off]!;
      let total: number;
      let header: number;
      if (first & 0x01) {
        total = first >> 1;
        header = 1;
      } else {
        total = (view.getUint32(off, true) >>> 2) & 0x3fffffff;
        header = 4;
      }
      value = new TextDecoder().decode(bytes.slice(off + header, off + total));
      off += total;
    } else {
      align(ALIGN[col.align]);
      value = readFixed(view, off, col);
      off += col.len;
    }
    if (!col.dropped) row[col.name] = value;
  });
  return row;
}

function readFixed(view: DataView, off: number, col: ColumnLayout): string | number | boolean | null {
  if (col.type === 'boolean') return view.getUint8(off) !== 0;
  if (col.len === 2) return view.getInt16(off, true);
  if (col.len === 4) return view.getInt32(off, true);
  if (col.len === 8) {
    const micros = view.getBigInt64(off, true);
    if (col.type.startsWith('timestamp')) return new Date(POSTGRES_EPOCH_MS + Number(micros / 1000n)).toISOString();
    return Number(micros);
  }
  return null;
}

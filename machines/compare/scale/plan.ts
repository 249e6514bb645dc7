/**
 * Reading `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`: the plan's first scan node, the rows it looked
 * at and the buffers the whole plan touched. Only the fields PostgreSQL documents for the JSON
 * format are read ("Node Type", "Plans", "Actual Rows", "Actual Loops", "Rows Removed by Filter",
 * "Rows Removed by Index Recheck", "Shared Hit Blocks", "Shared Read Blocks", "Execution Time").
 */

export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

export interface ExplainOutput {
  Plan: PlanNode;
  'Execution Time': number;
}

export interface PlanReading {
  scan: string;
  planPath: string[];
  indexName: string | null;
  executionMs: number;
  rowsRead: number;
  rowsReturned: number;
  sharedBlocks: number;
}

/** The single row of EXPLAIN … FORMAT JSON: a JSON array holding one object (a string on some drivers). */
export function parseExplain(value: unknown): ExplainOutput {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const first = Array.isArray(parsed) ? parsed[0] : undefined;
  if (!first || typeof first !== 'object' || !('Plan' in first) || !('Execution Time' in first)) {
    throw new Error('EXPLAIN did not return a JSON plan with an execution time (was ANALYZE on?)');
  }
  return first as ExplainOutput;
}

const isScan = (node: PlanNode) => node['Node Type'].endsWith('Scan');

/** Depth first, the first scan node and the path of node types that leads to it. */
function firstScan(node: PlanNode, path: string[] = []): { node: PlanNode; path: string[] } | null {
  const here = [...path, node['Node Type']];
  if (isScan(node)) return { node, path: here };
  for (const child of node.Plans ?? []) {
    const found = firstScan(child, here);
    if (found) return found;
  }
  return null;
}

/** Every node of the plan that reads a table (a Bitmap Index Scan reads an index, not the table). */
function tableScans(node: PlanNode): PlanNode[] {
  const own = isScan(node) && node['Relation Name'] !== undefined ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap(tableScans)];
}

export function readPlan(explain: ExplainOutput): PlanReading {
  const found = firstScan(explain.Plan);
  if (!found) throw new Error('the plan has no scan node');
  const scans = tableScans(explain.Plan);
  // EXPLAIN prints a node's row counts (returned and removed) per loop: times loops is the total.
  const perScan = (n: PlanNode, rows: number) => rows * (n['Actual Loops'] ?? 1);
  const returned = scans.reduce((sum, n) => sum + perScan(n, n['Actual Rows'] ?? 0), 0);
  const removed = scans.reduce((sum, n) => sum + perScan(n, (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)), 0);
  // Buffer counts of a node include its children's, so the top node's are the whole plan's.
  const top = explain.Plan;
  return {
    scan: found.node['Node Type'],
    planPath: found.path,
    indexName: found.node['Index Name'] ?? findIndexName(found.node),
    executionMs: explain['Execution Time'],
    rowsRead: returned + removed,
    rowsReturned: returned,
    sharedBlocks: (top['Shared Hit Blocks'] ?? 0) + (top['Shared Read Blocks'] ?? 0),
  };
}

/** A Bitmap Heap Scan names no index itself; the Bitmap Index Scan under it does. */
function findIndexName(node: PlanNode): string | null {
  for (const child of node.Plans ?? []) {
    const name = child['Index Name'] ?? findIndexName(child);
    if (name) return name;
  }
  return null;
}

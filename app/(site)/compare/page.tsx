import type { Metadata } from 'next';
import { ClaimsList } from '../../../components/compare/ClaimsList';
import { RerunInBrowser } from '../../../components/compare/RerunInBrowser';
import { OperationsAtScale } from '../../../components/compare-scale/OperationsAtScale';
import { CompareExplorer } from '../../../components/compare/CompareExplorer';
import { explorerRow } from '../../../components/compare/rows';
import { TradeoffsTable } from '../../../components/compare/TradeoffsTable';
import { loadCompareData } from '../../../components/compare/load-compare-data';

export const metadata: Metadata = {
  title: 'Compare the patterns',
  description: 'Every pattern and variant side by side: which single faults make each lose, duplicate or block, and what each costs, computed from runs.',
};

const SECTION_HEADING = 'text-2xl font-bold';

/** Every pattern and variant side by side. Painted at build time from the exploration's result: no Postgres boots here. */
export default function ComparePage() {
  const data = loadCompareData();
  const totalRuns = data.rows.reduce((sum, row) => sum + row.runs, 0);
  const orderSets = data.orderSets.map((orders) => orders.join(' and ')).join('; ');
  const holding = data.claims.filter((claim) => claim.verdict.holds).length;
  const measuredOrders = data.rows[0]?.measures.run.orders.length ?? 0;
  // A real cell to read the matrix by: one that the idempotency switch cures.
  const example = data.rows.flatMap((row) => Object.values(row.anomalies)).find((c) => c.off > 0 && c.on === 0) ?? { off: 0, on: 0 };
  return (
    <div className="mx-auto max-w-[1600px] space-y-12 px-4 py-8 sm:py-10">
      <header className="max-w-4xl space-y-4">
        <h1 className="text-3xl font-bold tracking-tight sm:text-4xl">Compare the patterns</h1>
        <p className="text-lg text-muted">
          All {data.rows.length} patterns and variants side by side: which faults make each one lose, invent, duplicate or block, and what each costs. Every number below was
          computed by running the lab&apos;s simulation when this site was built; none is written by hand.
        </p>
        <div className="space-y-2">
          <h2 className="font-semibold">How the runs were made</h2>
          <p>
            A <strong>run</strong> is one scenario with a single fault armed: every kind of fault at every point where it can strike, with two sets of orders (arriving at{' '}
            {orderSets} ms), seed {data.seed}. Each run is played twice, with the consumer&apos;s <strong>idempotency switch</strong> off and on, and the checker judges its
            outcome from what ended up in the tables and the topic. That makes {totalRuns} runs per setting in all.
          </p>
          <p>
            In the failure matrix,{' '}
            <strong>
              {example.off} / {example.on}
            </strong>{' '}
            reads: {example.off} runs showed that anomaly with the switch off, none with it on. Select any count to list its runs and open
            one in the lab at the step where its fault struck. All times are <strong>simulated milliseconds</strong>, not measured on a network.
          </p>
        </div>
        <nav aria-label="On this page" className="text-sm">
          <ul className="flex flex-wrap gap-x-4 gap-y-1">
            {[
              ['#matrix', 'Failure matrix'],
              ['#tradeoffs', 'Trade-offs, measured'],
              ['#claims', 'Claims vs runs'],
              ['#scale', 'Operations at scale'],
              ['#rerun', 'Re-run in this browser'],
              ['#downloads', 'Downloads'],
            ].map(([href, label]) => (
              <li key={href}>
                <a className="text-accent underline" href={href}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>


      <div id="matrix" className="scroll-mt-4">
        <CompareExplorer rows={data.rows.map(explorerRow)} seed={data.seed} />
      </div>

      <section id="tradeoffs" aria-labelledby="tradeoffs-heading" className="scroll-mt-4 space-y-3">
        <h2 id="tradeoffs-heading" className={SECTION_HEADING}>
          Trade-offs, measured
        </h2>
        <p className="max-w-4xl text-muted">
          Fault-free runs with {measuredOrders} orders, simulated ms. What each form costs when nothing goes wrong: how long an order takes from its commit to its effect downstream, how
          much each order talks to Postgres, what piles up, and what there is to operate. The last columns come from the fault runs above.
        </p>
        <TradeoffsTable rows={data.rows} seed={data.seed} />
      </section>

      <section id="claims" aria-labelledby="claims-heading" className="scroll-mt-4 space-y-3">
        <h2 id="claims-heading" className={SECTION_HEADING}>
          What the articles claim, and what the runs show
        </h2>
        <p className="max-w-4xl text-muted">
          Each claim is checked against the runs it is about; {holding} of {data.claims.length} hold. A claim that does not hold links to the run that refutes it.
        </p>
        <ClaimsList claims={data.claims} rows={data.rows} seed={data.seed} />
      </section>

      <div id="scale" className="scroll-mt-4">
        <OperationsAtScale built={data.scale} />
      </div>

      <section id="rerun" aria-label="Re-run in this browser" className="scroll-mt-4">
        <RerunInBrowser built={data} />
      </section>

      <section id="downloads" aria-labelledby="downloads-heading" className="scroll-mt-4 space-y-3">
        <h2 id="downloads-heading" className={SECTION_HEADING}>
          Downloads
        </h2>
        <p className="text-muted">The same figures, for a spreadsheet or a script.</p>
        <ul className="flex flex-wrap gap-3">
          <li>
            <a className="inline-flex min-h-10 items-center rounded-md border border-line bg-surface px-3 font-medium underline hover:bg-surface-2" href="/generated/compare/data.json" download="dual-write-lab-compare.json">
              Everything as JSON
            </a>
          </li>
          <li>
            <a className="inline-flex min-h-10 items-center rounded-md border border-line bg-surface px-3 font-medium underline hover:bg-surface-2" href="/generated/compare/matrix.csv" download="dual-write-lab-matrix.csv">
              Matrix and measures as CSV
            </a>
          </li>
        </ul>
      </section>
    </div>
  );
}

import { FAULT_KINDS } from '../../machines/kernel/vocabulary';
import { MAX_FAULTS, MAX_OCCURRENCE, MAX_ORDERS, MAX_ORDER_TIME_MS, MAX_SEED } from '../../machines/kernel/scenario';

export const USAGE = `Dual Write Lab — run the simulation from the command line.

Usage: lab <command> [options]        (npm run lab -- <command>, or dual-write-lab <command>)

Commands
  patterns [--json]                   list the patterns, their promise and worst single-fault anomaly
  run <pattern> [options]             run one scenario: its steps, then what broke
      --fault <kind>@<point>          arm a fault (repeatable, at most ${MAX_FAULTS}); point = actor.operation[:n], n 1–${MAX_OCCURRENCE}
      --seed <n>                      scheduler seed, 0 to ${MAX_SEED} (default 1)
      --idempotent on|off             consumer deduplicates through processed_events (default off)
      --variant <id>                  pattern variant (default "default")
      --orders <ms,ms,…>              arrival times of up to ${MAX_ORDERS} orders, 0–${MAX_ORDER_TIME_MS} ms (default 0,40)
      --points                        list every fault point of the run and the kinds allowed there
      --max-steps <n>                 stop after n steps (default 400); a run cut off there exits 3
      --json                          print the run (steps, trace, outcome) as one JSON object
  explore <pattern|all> [options]     every single fault at every point, idempotency off and on
      --seed <n>                      scheduler seed (default 1)
      --json                          print { "patterns": [ { "pattern", "runs": [...] } ] }
  compare [pattern…|all] [options]    the failure matrix, measured trade-offs and the articles' claims judged
      --seed <n>                      scheduler seed (default 1)
      --json                          print { "rows": [ { "pattern", "variant", "runs", "anomalies", "measures", … } ], "claims" }
      --csv                           print the matrix and measures as CSV, one line per pattern and variant
  lessons [--check] [--json]          list the lessons in content/lessons, in path order
      --check                         replay every lesson figure and compare it with its expect= (exit 1 if one disagrees)
      --json                          print { "lessons": [...], "verdicts": [...] }
  help                                this text

Fault kinds: ${FAULT_KINDS.join(', ')}

Examples
  lab run naive-db-first --fault crash@service.publish:1
  lab run outbox-polling --fault crash@relay.mark:1 --idempotent on
  lab explore all --json > profile.json
  lab compare outbox-polling outbox-cdc

Numbers are whole numbers written in decimal digits (42, not 0x2a, 4.2e1, +42 or 042).

Exit codes: 0 ok, 1 unexpected failure (DEBUG=1 shows the stack), 2 bad arguments,
3 (run) the run did not settle: it stopped at its step limit, so its outcome is not final.`;

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
      --database-url <url>            run on that PostgreSQL server instead of PGlite (postgres://user@host:port/database)
      --reset-schemas                 with --database-url: use a database that holds other schemas anyway
  explore <pattern|all> [options]     every single fault at every point, idempotency off and on
      --seed <n>                      scheduler seed (default 1)
      --json                          print { "patterns": [ { "pattern", "runs": [...] } ] }
      --database-url <url>            explore on that PostgreSQL server instead of PGlite (--reset-schemas as for run)
  compare [pattern…|all] [options]    the failure matrix, measured trade-offs and the articles' claims judged
      --seed <n>                      scheduler seed (default 1)
      --json                          print { "rows": [ { "pattern", "variant", "runs", "anomalies", "measures", … } ], "claims" }
      --csv                           print the matrix and measures as CSV, one line per pattern and variant
  crosscheck [pattern…|all] [options] every exploration run on PGlite and on a real server, compared: "N/M runs agree"
      --database-url <url>            the server (default: LAB_DATABASE_URL); a database of the lab's own
      --quick                         per variant and order set, only the first point of each fault kind (CI's subset)
      --seed <n>                      scheduler seed (default 1)
      --reset-schemas                 use a database that holds other schemas anyway
      --json                          print { "runs", "agree", "patterns": [ { "pattern", "differences": [...] } ] }
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
  lab crosscheck all --database-url postgres://lab@127.0.0.1:5432/lab

Numbers are whole numbers written in decimal digits (42, not 0x2a, 4.2e1, +42 or 042).

Exit codes: 0 ok, 1 unexpected failure (DEBUG=1 shows the stack), 2 bad arguments (or a server
that fails preflight: unreachable, not dedicated, a setting missing; nothing on it is changed),
3 (run) the run did not settle: it stopped at its step limit, so its outcome is not final,
1 (crosscheck) some runs disagree.`;

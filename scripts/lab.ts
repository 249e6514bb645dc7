/**
 * The lab's command line: the same simulation as the lab page, in Node on real PGlite.
 * Exit codes are part of the interface (scripts rely on them): 0 ok, 1 unexpected failure,
 * 2 bad arguments, 3 (`run`) the run did not settle. The commands are in cli/main.ts.
 */
import { main } from './cli/main';

process.exitCode = await main(process.argv.slice(2));

/**
 * The command line's dispatcher, apart from the entry point (scripts/lab.ts) so the tests can call
 * it in this process for what needs no Postgres (argument errors), instead of spawning one each.
 * Exit codes are part of the interface (scripts rely on them): 0 ok, 1 unexpected failure,
 * 2 bad arguments, 3 (`run`) the run did not settle.
 */
import { echo, escapeControls } from '../../machines/kernel/echo';
import { compareCommand } from './compare';
import { EXIT_FAILURE, EXIT_USAGE, PreflightError, UsageError } from './errors';
import { crosscheckCommand } from './crosscheck';
import { exploreCommand } from './explore';
import { note, print } from './io';
import { lessonsCommand } from './lessons';
import { patternsCommand } from './patterns';
import { runCommand } from './run';
import { USAGE } from './usage';

// A Map, so a command such as "constructor" or "__proto__" is unknown rather than Object's own.
const COMMANDS: ReadonlyMap<string, (args: string[]) => Promise<number>> = new Map([
  ['patterns', patternsCommand],
  ['run', runCommand],
  ['explore', exploreCommand],
  ['compare', compareCommand],
  ['lessons', lessonsCommand],
  ['crosscheck', crosscheckCommand],
]);

const HELP_HINT = 'see "lab --help"';

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined) throw new UsageError('missing command (patterns, run, explore, compare, lessons, crosscheck)');
    if (command === 'help' || args.includes('--help') || args.includes('-h') || command === '--help' || command === '-h') {
      print(USAGE);
      return 0;
    }
    const handler = COMMANDS.get(command);
    if (!handler) throw new UsageError(`unknown command ${echo(command)} (known: ${[...COMMANDS.keys()].join(', ')}, help)`);
    return await handler(args);
  } catch (error) {
    if (error instanceof UsageError) {
      note(`lab: ${error.message}; ${HELP_HINT}`);
      return EXIT_USAGE;
    }
    if (error instanceof PreflightError) {
      note(`lab: ${error.message}`);
      return EXIT_USAGE;
    }
    // Line by line, so a message that lists problems keeps its lines (and nothing else unescaped).
    const message = (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 20);
    note(`lab: unexpected failure: ${message.map((line) => escapeControls(line, 500)).join('\n  ')}`);
    if (process.env.DEBUG === '1' && error instanceof Error && error.stack) note(error.stack);
    return EXIT_FAILURE;
  }
}

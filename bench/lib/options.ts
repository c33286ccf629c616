// Command-line options of the bench's side tools (bench/spot.ts, bench/instructions.ts): node's parseArgs, with an
// unknown or malformed option (`--help` included) answered by one line and exit code 2 rather than a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function optionsOf<const O extends NonNullable<ParseArgsConfig['options']>>(tool: string, options: O) {
  try {
    return parseArgs({ options }).values;
  } catch (error) {
    console.error(`${tool}: ${(error as Error).message}; the options are described at the top of ${tool}`);
    process.exit(2);
  }
}

/** One `likes-api <command>`: what the help lists, and the run that returns the exit code. */
export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

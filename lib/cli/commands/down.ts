import type { Command } from 'commander';
import { stopResident } from '../../local/resident-spark';
import { stopEmulator } from '../../stream/emulator';
import type { CliContext } from '../context';

export function register(program: Command, ctx: CliContext): void {
  program
    .command('down')
    .description(
      'Stop what runs in the background for this lake home: the resident Spark and the Kinesis emulator.',
    )
    .action(async () => {
      const home = ctx.home();
      ctx.out((await stopResident(home)) ? 'resident Spark stopped' : 'resident Spark was not running');
      const e = await stopEmulator(home);
      ctx.out(e.stopped ? `emulator stopped (pid ${e.pid ?? '?'})` : 'emulator was not running');
    });
}

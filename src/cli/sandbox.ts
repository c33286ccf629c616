// `likes-api sandbox list|import-likes|export-likes`: the sandboxes, and a user's likes in and out of X's archive
// format (data/like.js).
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportLikes } from '../domain/archive/exportLikes.ts';
import { importLikes, type ImportReport } from '../domain/archive/importLikes.ts';
import { parseLikeArchive } from '../domain/archive/likeArchive.ts';
import { createProgress } from '../seed/progress.ts';
import { AdminError, commandGroup, keyValues, table, type Subcommand } from './admin/cli.ts';
import { sandboxControlCommands, worldNamed } from './sandboxControl.ts';

const SANDBOX_HELP = '  --sandbox ID       The sandbox (default: default, the store itself)';

function importHuman(r: ImportReport): string {
  const lines = keyValues([
    ['User', r.userId],
    ['Entries', r.entries],
    ['Imported', r.imported],
    ['Already liked', r.alreadyLiked],
    ['Skipped', r.skippedCount],
    ['Tweets created', r.tweetsCreated],
    ['Their author', `${r.author.id} (@${r.author.username})`],
  ]);
  const shown = r.skipped.slice(0, 20).map((s) => `  entry ${s.index} (line ${s.line})${s.tweetId !== undefined ? ` tweetId ${s.tweetId}` : ''}: ${s.reason}`);
  const more = r.skippedCount > shown.length ? [`  … and ${r.skippedCount - shown.length} more (--json lists up to ${r.skipped.length})`] : [];
  return [lines, ...(shown.length ? ['Skipped entries:', ...shown, ...more] : [])].join('\n');
}

const importCmd: Subcommand = {
  synopsis: 'FILE --user ID [--sandbox ID]',
  summary: "Import a user's likes from an X archive's data/like.js",
  help: `Reads FILE (an X archive's data/like.js, any size: it is streamed) and likes each Tweet in it as the user
with id ID. Tweets the store lacks are created under one placeholder account, @x_archive, with the archive's text
(or a placeholder when the archive has none). The likes keep the archive's order (newest first), timed just before
the import. Entries without a valid tweetId are skipped and reported. Importing the same file again changes nothing.
Progress goes to stderr.

Options:
  --user ID          The user whose likes these are (required)
${SANDBOX_HELP}`,
  flags: { user: 'string', sandbox: 'string' },
  args: ['FILE'],
  async run({ flags, args, services }) {
    flags.required('user');
    const userId = flags.id('user')!;
    const size = await stat(args.FILE).then((s) => s.size, (error: NodeJS.ErrnoException) => {
      throw new AdminError(`cannot read ${args.FILE}: ${error.code ?? error.message}`);
    });
    const s = await services();
    const world = await worldNamed(s, flags.str('sandbox') ?? 'default');
    const progress = createProgress();
    let read = 0;
    const counted = createReadStream(args.FILE).pipe(new Transform({
      transform(chunk: Buffer, _enc, done) {
        read += chunk.length;
        done(null, chunk);
      },
    }));
    progress.start('import-likes (bytes)', size);
    const report = await importLikes(world.store, world.clock, {
      userId,
      ids: world.ids,
      rows: parseLikeArchive(counted),
      onProgress: () => progress.update(read),
    }).finally(() => counted.destroy());
    progress.end();
    return { json: report, human: importHuman(report) };
  },
};

const exportCmd: Subcommand = {
  synopsis: '--user ID [--sandbox ID] [--out FILE]',
  summary: "Export a user's likes as an X archive's data/like.js",
  help: `Writes the likes of the user with id ID, newest first, in the format of an X archive's data/like.js (what
import-likes reads). Tweets deleted or without known text are written without fullText, as X does.

Options:
  --user ID          The user whose likes to export (required)
  --out FILE         Write to FILE (replaced only once complete; default: stdout, the summary then goes to stderr)
${SANDBOX_HELP}`,
  flags: { user: 'string', sandbox: 'string', out: 'string' },
  async run({ flags, services }) {
    flags.required('user');
    const userId = flags.id('user')!;
    const out = flags.str('out');
    const s = await services();
    const world = await worldNamed(s, flags.str('sandbox') ?? 'default');
    const [user] = await world.store.usersByIds([userId]);
    if (!user) throw new AdminError(`no user with id ${userId}`);
    const progress = createProgress();
    progress.start('export-likes', user.metrics.like_count);
    let written = 0;
    const text = Readable.from(exportLikes(world.store, userId, { onProgress: (n) => progress.update((written = n)) }));
    if (out) {
      const partial = `${out}.partial`;
      try {
        await pipeline(text, createWriteStream(partial));
        await rename(partial, out);
      } catch (error) {
        await rm(partial, { force: true });
        throw new AdminError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    } else {
      await pipeline(text, process.stdout, { end: false });
    }
    progress.end();
    const json = { userId, exported: written, out: out ?? null };
    return { json, human: `Exported ${written} likes of user ${userId}${out ? ` to ${out}` : ''}`, stream: out ? 'stdout' : 'stderr' };
  },
};

const listCmd: Subcommand = {
  synopsis: '',
  summary: 'List the sandboxes (what GET /__admin/sandboxes answers)',
  help: `Lists the worlds of the configured store: "default" (the store itself, the demo world when demo credentials
were written for it) and the sandboxes.`,
  flags: {},
  async run({ services }) {
    const s = await services();
    const data = await s.worlds.list();
    return {
      json: { data },
      human: table(['ID', 'DEFAULT', 'SEED', 'STORE', 'CREATED', 'SNAPSHOTS'], data.map((x) => [x.id, x.default ? 'yes' : 'no', x.seed, x.store, x.created_at ?? '-', x.snapshots.join(',') || '-'])),
    };
  },
};

export const sandboxCommand = commandGroup('sandbox', "Sandboxes: make, list, reset and control them; import and export a user's likes", {
  list: listCmd,
  ...sandboxControlCommands,
  'import-likes': importCmd,
  'export-likes': exportCmd,
});

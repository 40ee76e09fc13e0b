import { readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Actor } from '../engine/types.js';

/** A path segment that cannot climb out of its folder or collide with another person's. */
const segment = (s: string) => encodeURIComponent(s).replace(/\./g, '%2E');

/**
 * Where files made for one person (an export, a chart) are kept on this machine: the terminal chat
 * saves them here, and `forget` deletes the folder with the rows. Slack and Discord upload files to
 * the platform and keep nothing here.
 */
export function memberFilesDir(dataDir: string, actor: Actor): string {
  return resolve(dataDir, 'files', segment(actor.platform), segment(actor.workspaceId), segment(actor.userId));
}

/**
 * Deletes every file kept for this person, including those an older version saved loose in
 * `files/` as `<user>-<time>-<name>`. Returns how many files went.
 */
export async function deleteMemberFiles(dataDir: string, actor: Actor): Promise<number> {
  const dir = memberFilesDir(dataDir, actor);
  let n = (await readdir(dir, { recursive: true }).catch(() => [])).length;
  await rm(dir, { recursive: true, force: true });
  if (actor.platform === 'console') {
    const root = resolve(dataDir, 'files');
    const loose = new RegExp(`^${actor.userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}-\\d{3}Z-`);
    for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
      if (!entry.isFile() || !loose.test(entry.name)) continue;
      await rm(join(root, entry.name), { force: true });
      n++;
    }
  }
  return n;
}

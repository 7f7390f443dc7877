/**
 * The original's `GET /api/system/version`: the package version plus the commit the server runs
 * from. One `git log -1` (no shell, 2 s at most) in the module's real folder, only when asked and
 * at most once a minute; without git, or outside a repository, the git fields are null.
 */
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';

export interface GitVersion {
  commitId: string | null;
  commitTime: string | null;
  branch: string | null;
}

const NONE: GitVersion = { commitId: null, commitTime: null, branch: null };

function gitLog(cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    // %D: "HEAD -> main, origin/main"; a detached HEAD shows "HEAD" alone.
    execFile('git', ['log', '-1', '--format=%H%n%cI%n%D'], { cwd, timeout: 2000, maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout) => resolve(err ? null : stdout));
  });
}

async function readGitVersion(moduleDir: string): Promise<GitVersion> {
  // A MODULES_DIR may link the module in: the commit is that of the folder the files live in.
  const out = await gitLog(await realpath(moduleDir).catch(() => moduleDir));
  if (!out) return NONE;
  const [commitId, commitTime, refs = ''] = out.split('\n');
  if (!/^[0-9a-f]{40,64}$/.test(commitId)) return NONE;
  return { commitId, commitTime: commitTime || null, branch: /HEAD -> ([^,\s]+)/.exec(refs)?.[1] ?? null };
}

const KEEP_MS = 60_000;

/** Reads the commit when asked, and keeps it a minute: a commit changes no file, so no reload says when it moved. */
export function gitVersionOf(moduleDir: string): () => Promise<GitVersion> {
  let cached: { at: number; value: Promise<GitVersion> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > KEEP_MS) cached = { at: Date.now(), value: readGitVersion(moduleDir) };
    return cached.value;
  };
}

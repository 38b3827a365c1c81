import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { INSTALL_HINT, findExecutable, freePort, stopChild, waitForOutput } from './redis-server';

/**
 * A throwaway PostgreSQL cluster for tests: initdb into a temp folder, one server on a free
 * loopback port (durability off: it is deleted afterwards), one empty database. PostgreSQL refuses
 * to run as root, so as root it runs as the `postgres` system user that Debian's package creates.
 */

export interface RunningPostgres {
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url: string;
  stop(): Promise<void>;
}

/** The newest installed server's bin folder (Debian keeps each major version apart). */
function postgresBinDir(): string | null {
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => existsSync(path.join(debianRoot, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(debianRoot, versions[0], 'bin');
  }
  const initdb = findExecutable('initdb', []);
  return initdb ? path.dirname(initdb) : null;
}

function userIds(name: string): { uid: number; gid: number } | null {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root: the ids of the `postgres` user; otherwise run as ourselves. */
function runAs(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const ids = userIds('postgres');
  if (!ids) throw new Error('running as root but there is no `postgres` user to run PostgreSQL as (it refuses root); install the postgresql package');
  return ids;
}

export async function startPostgres(database = 'confab'): Promise<RunningPostgres> {
  const bin = postgresBinDir();
  if (!bin || !existsSync(path.join(bin, 'initdb'))) {
    throw new Error(`PostgreSQL (initdb, postgres) is not installed: the multi-instance tests need it (${INSTALL_HINT}).`);
  }
  const user = runAs();
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-pg-'));
  if ('uid' in user) chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    { cwd: dir, env, encoding: 'utf8', ...user },
  );
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}):\n${init.stderr || init.stdout}`);
  }

  const port = await freePort();
  const server = spawn(
    path.join(bin, 'postgres'),
    [
      '-D', dataDir,
      '-p', String(port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${dir}`,
      // A test cluster: nothing to keep after a crash.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
    ],
    { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], ...user },
  );
  const stop = async () => {
    await stopChild(server, 'SIGINT'); // "fast" shutdown: ends sessions, no waiting for clients
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(server, /database system is ready to accept connections/, 'postgres');
    const admin = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${database}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/${database}`, stop };
}

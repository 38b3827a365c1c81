import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { Pool } from 'pg';
import type { Logger } from '../logger';
import { schema } from './schema';

/** One query API over both drivers: every repository is written against this type only. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Runs `work` while holding a cluster-wide lock, so start-up steps (migrate, seed) do not race between instances. */
  withStartupLock<T>(work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  pgliteDataDir: string;
  /** Folder of drizzle-kit's SQL migrations. */
  migrationsFolder?: string;
}

export const DEFAULT_MIGRATIONS_FOLDER = path.resolve(__dirname, '..', '..', 'drizzle');

// Arbitrary, fixed: identifies the chat service's start-up lock among other advisory locks.
const STARTUP_LOCK_KEY = 7_265_001;

/** Opens the database (PostgreSQL when a URL is configured, embedded PGlite otherwise) and applies migrations. */
export async function openDatabase(options: DatabaseOptions, logger: Logger): Promise<DatabaseHandle> {
  const handle = options.databaseUrl ? openPostgres(options.databaseUrl) : await openPglite(options.pgliteDataDir);
  const migrationsFolder = options.migrationsFolder ?? DEFAULT_MIGRATIONS_FOLDER;
  try {
    await handle.withStartupLock(() => handle.migrate(migrationsFolder));
  } catch (error) {
    await handle.close();
    throw error;
  }
  logger.info({ driver: handle.driver }, 'database ready');
  return handle;
}

interface OpenedDatabase extends DatabaseHandle {
  migrate(migrationsFolder: string): Promise<void>;
}

/** Databases only this process can write to (embedded PGlite): what it has written is all there is. */
const exclusiveDatabases = new WeakSet<Database>();

/** Whether this process is the only writer of `db` (embedded PGlite), so it may keep facts like last seqs in memory. */
export function ownsDatabaseAlone(db: Database): boolean {
  return exclusiveDatabases.has(db);
}

async function openPglite(dataDir: string): Promise<OpenedDatabase> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const client = new PGlite(dataDir);
  const db = drizzlePglite({ client, schema });
  exclusiveDatabases.add(db);
  return {
    db,
    driver: 'pglite',
    // PGlite is one connection inside this process: nothing else can race with start-up.
    withStartupLock: (work) => work(),
    migrate: (migrationsFolder) => migratePglite(db, { migrationsFolder }),
    close: () => client.close(),
  };
}

function openPostgres(databaseUrl: string): OpenedDatabase {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const db = drizzleNodePg({ client: pool, schema });
  return {
    db,
    driver: 'postgres',
    async withStartupLock(work) {
      const lockClient = await pool.connect();
      try {
        await lockClient.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
        return await work();
      } finally {
        await lockClient.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(() => undefined);
        lockClient.release();
      }
    },
    migrate: (migrationsFolder) => migrateNodePg(db, { migrationsFolder }),
    close: () => pool.end(),
  };
}

/** Cheap liveness probe for /healthz. */
export async function pingDatabase(db: Database): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

/**
 * One lab Postgres per test file, started once: booting PGlite costs seconds, resetting it between
 * runs costs milliseconds.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { LabDatabase } from '../actors/postgres';
import { startLabPostgres } from '../runtime/pglite';
import { DATA_DIR_ENV } from './global-setup';

export function useLabPostgres(): { readonly db: LabDatabase } {
  const holder: { db?: LabDatabase; close?: () => Promise<void> } = {};
  beforeAll(async () => {
    // The boot image global-setup made sure of (vitest), a fresh initdb otherwise.
    const copy = process.env[DATA_DIR_ENV];
    const { pg, db } = await startLabPostgres(copy ? { loadDataDir: new Blob([readFileSync(copy)]) } : {});
    holder.db = db;
    holder.close = () => pg.close();
  });
  afterAll(async () => {
    await holder.close?.();
  });
  return {
    get db() {
      if (!holder.db) throw new Error('the lab Postgres is not started yet');
      return holder.db;
    },
  };
}

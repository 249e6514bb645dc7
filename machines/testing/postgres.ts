/**
 * One lab Postgres per test file, started once: booting PGlite costs seconds, resetting it between
 * runs costs milliseconds.
 */
import { afterAll, beforeAll } from 'vitest';
import type { LabDatabase } from '../actors/postgres';
import { startLabPostgresInNode } from '../runtime/boot-image-node';

export function useLabPostgres(): { readonly db: LabDatabase } {
  const holder: { db?: LabDatabase; close?: () => Promise<void> } = {};
  beforeAll(async () => {
    const { pg, db } = await startLabPostgresInNode();
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

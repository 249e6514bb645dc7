/**
 * Operations at scale, measured in Node on a PGlite of their own: after the exploration pool is
 * done, so the wall-clock figures are not taken on CPUs busy with other work.
 */
import type { ScaleMeasures } from '../../machines/compare/scale/types';
import { measureScale } from '../../machines/compare/scale/measure';

export async function measureScaleInNode(onProgress?: (done: number, total: number, label: string) => void): Promise<ScaleMeasures> {
  const { startLabPostgresInNode } = await import('../../machines/runtime/boot-image-node');
  const { pg, db } = await startLabPostgresInNode();
  try {
    return await measureScale(db.runner, { where: 'node', onProgress });
  } finally {
    await pg.close();
  }
}

import type { DataSource } from 'typeorm';

/** Placeholder until the demo data lands. */
export async function seedDemoData(_dataSource: DataSource): Promise<{ releaseId: number; created: boolean }> {
  throw new Error('not implemented yet');
}

import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { enumCheck } from '../common/sqlEnum';

export enum Role {
  /** May read (as anyone may) and nothing else: for keyed rate limits and tracing. */
  READER = 'reader',
  /** May create and update cities, indicators, sources, networks, commitments, and import. */
  EDITOR = 'editor',
  /** Everything an editor may, and what later needs more trust. */
  ADMIN = 'admin',
}

/**
 * An API key. Only a SHA-256 of the key is stored: keys are long random strings, so a fast
 * hash suffices (no password stretching needed) and a database leak does not leak keys. The
 * prefix, shown in listings, finds the row without scanning every hash.
 */
@Entity()
@Check('CHK_api_key_role', enumCheck('role', Role))
export class ApiKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 10 })
  role: Role;

  @Column({ type: 'char', length: 8, unique: true })
  prefix: string;

  @Column({ type: 'char', length: 64 })
  keyHash: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}

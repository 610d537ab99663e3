import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import type { Role } from '../../common/auth-user';

export type Gender = 'unknown' | 'male' | 'female';

// Constraints and indexes are created by the migrations; they are declared here by name so
// that `migration:generate` compares like with like (expression indexes: synchronize false).
@Entity({ name: 'users' })
@Unique('users_openid_key', ['openid'])
@Check('users_role_check', `role IN ('user', 'staff', 'admin')`)
@Check('users_gender_check', `gender IN ('unknown', 'male', 'female')`)
@Index('users_username_lower_key', { synchronize: false })
@Index('users_created_at_idx', { synchronize: false })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Unique among live accounts; erasing an account deletes its row, which frees the openid. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  openid: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  unionid: string | null;

  /** WeChat's session_key, sealed with AES-256-GCM; never leaves the server. */
  @Column({ name: 'session_key_enc', type: 'text', nullable: true })
  sessionKeyEnc: string | null;

  @Column({ type: 'varchar', length: 16, default: 'user' })
  role: Role;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ type: 'varchar', length: 64, nullable: true })
  username: string | null;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  nickname: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 500, nullable: true })
  avatarUrl: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone: string | null;

  /** A calendar date; kept as the `YYYY-MM-DD` string so no time zone can shift it. */
  @Column({ type: 'date', nullable: true })
  birthday: string | null;

  @Column({ type: 'varchar', length: 8, default: 'unknown' })
  gender: Gender;

  @Column({ type: 'varchar', length: 550, nullable: true })
  address: string | null;

  @Column({ type: 'varchar', length: 550, nullable: true })
  signature: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  province: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  country: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  language: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

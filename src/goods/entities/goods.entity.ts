import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../../users/entities/user.entity';

/**
 * One product. `price` is `numeric(12,2)` and stays a decimal string in the code (pg
 * returns numerics as strings), so no float ever touches it. The bigram search index
 * `goods_name_grams_idx` is over an expression of the name, `goods_name_grams(name)`
 * (migration 1796190400000).
 */
@Entity({ name: 'goods' })
// Created by the goods migration (see there why each exists); declared for migration:generate.
@Check('goods_name_check', 'char_length(name) >= 1')
@Check('goods_price_check', 'price >= 0')
@Check('goods_stock_check', 'stock >= 0')
@Check('goods_images_check', 'cardinality(images) <= 9')
@Index('goods_name_grams_idx', { synchronize: false })
@Index('goods_created_at_idx', { synchronize: false })
@Index('goods_price_idx', { synchronize: false })
@Index('goods_name_idx', { synchronize: false })
@Index('goods_stock_idx', { synchronize: false })
@Index('goods_category_created_at_idx', { synchronize: false })
@Index('goods_on_sale_created_at_idx', { synchronize: false })
@Index('goods_category_on_sale_price_idx', { synchronize: false })
// Created by the goods-filtered-order-indexes migration: one filter, then one ordering.
@Index('goods_on_sale_price_idx', { synchronize: false })
@Index('goods_on_sale_name_idx', { synchronize: false })
@Index('goods_on_sale_stock_idx', { synchronize: false })
@Index('goods_category_price_idx', { synchronize: false })
@Index('goods_category_name_idx', { synchronize: false })
@Index('goods_category_stock_idx', { synchronize: false })
@Index('goods_created_by_idx', { synchronize: false })
@Index('goods_updated_by_idx', { synchronize: false })
export class GoodsEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 5000, nullable: true })
  description: string | null;

  /** Yuan, exactly two decimals, as PostgreSQL prints it (e.g. "12.50"). */
  @Column({ type: 'numeric', precision: 12, scale: 2 })
  price: string;

  @Column({ type: 'integer', default: 0 })
  stock: number;

  @Column({ type: 'varchar', length: 50, nullable: true })
  category: string | null;

  @Column({ name: 'on_sale', type: 'boolean', default: true })
  onSale: boolean;

  @Column({ name: 'image_url', type: 'varchar', length: 500, nullable: true })
  imageUrl: string | null;

  /** The gallery beside the cover: 0–9 http(s) URLs, in the order shown. */
  @Column({ type: 'varchar', length: 500, array: true, default: () => "'{}'" })
  images: string[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'goods_created_by_fkey', onDelete: 'SET NULL' })
  createdBy: string | null;

  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  @ForeignKey(() => UserEntity, { name: 'goods_updated_by_fkey', onDelete: 'SET NULL' })
  updatedBy: string | null;

  @Column({ type: 'integer', default: 1 })
  version: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** The API's shapes, as /work/shared/spec/product.md and GET /docs-json describe them. */
export type Role = 'user' | 'staff' | 'admin';

export interface User {
  id: string;
  openid: string | null;
  role: Role;
  disabled: boolean;
  username: string | null;
  nickname: string | null;
  name: string | null;
  avatarUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  user: User;
  isNewUser: boolean;
}

export interface Goods {
  id: string;
  name: string;
  description: string | null;
  price: number;
  stock: number;
  category: string | null;
  onSale: boolean;
  imageUrl: string | null;
  /** The gallery (0–9 URLs); absent on a server that predates it. */
  images?: string[];
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
  updatedBy: string | null;
  version: number;
}

export interface GoodsList {
  items: Goods[];
  total: number;
  totalExact: boolean;
  page: number | null;
  pageSize: number;
  nextCursor: string | null;
}

export interface UserList {
  items: User[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Media {
  id: string;
  url: string;
  purpose: 'avatar' | 'goods';
  contentType: string;
  width: number;
  height: number;
  bytes: number;
  createdAt: string;
}

export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  changes: Record<string, [AuditValue, AuditValue]>;
  requestId: string | null;
}

export interface AuditList {
  items: AuditEntry[];
  nextCursor: string | null;
}

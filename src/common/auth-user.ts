export const ROLES = ['user', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a guarded handler knows about its caller. */
export interface AuthUser {
  id: string;
  role: Role;
  sessionId: string;
}

/**
 * Who a broker client is: its role and name. Shared by the PKI (a certificate's OU is the role, its CN
 * the name) and the broker's access rules, so it sits below both.
 */
export type Role = "panel" | "receiver" | "operator";
export const ROLES: readonly Role[] = ["panel", "receiver", "operator"];

export interface Identity {
  readonly role: Role;
  /** The panel id for a panel; a free name for centre clients. */
  readonly name: string;
}
